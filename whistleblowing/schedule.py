BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Deadlines (W5, W10, W11, and each request for central help): the sweep finds what is
    # due; running it twice is harmless.
    "whistleblowing-deadline-sweep": {
        "task": "whistleblowing.tasks.deadline_sweep",
        "schedule": 60 * 60,
    },
    # The notices' outbox (issue 20): sends what is pending, so a notice whose task a
    # restarted broker lost ("handlers not yet notified") goes out within minutes.
    "whistleblowing-send-notices": {
        "task": "whistleblowing.tasks.send_notices",
        "schedule": 5 * 60,
    },
    # Unlocked keys (issue 15 item 1): nothing usable stays in the database after the
    # 15-minute window, even when the browser never comes back.
    "whistleblowing-unlock-sweep": {
        "task": "whistleblowing.tasks.unlock_sweep",
        "schedule": 60,
    },
    # Retention (W14): notice to the readers 30 days before, then delete cases five years
    # after closing unless a legal hold runs.
    "whistleblowing-retention-sweep": {
        "task": "whistleblowing.tasks.retention_sweep",
        "schedule": 24 * 60 * 60,
    },
}
