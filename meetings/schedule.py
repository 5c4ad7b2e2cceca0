BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "meetings-send-due-reminders": {
        "task": "meetings.tasks.send_due_reminders",
        "schedule": 300.0,  # every five minutes; the sweep finds what is due
    },
}
