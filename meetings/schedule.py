BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "meetings-send-due-reminders": {
        "task": "meetings.tasks.send_due_reminders",
        "schedule": 300.0,  # every five minutes; the sweep finds what is due
    },
    "meetings-close-due-votes": {
        "task": "meetings.tasks.close_due_votes",
        "schedule": 300.0,  # every five minutes; a vote past its deadline closes once
    },
    "meetings-send-cycle-reminders": {
        "task": "meetings.tasks.send_cycle_reminders",
        "schedule": 3600.0,  # hourly; reminders go from 07:00 Oslo time, each once (G27)
    },
    "meetings-send-question-reminders": {
        "task": "meetings.tasks.send_question_reminders",
        "schedule": 900.0,  # every quarter of an hour; each reminder goes out once
    },
}
