BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Deadlines (W5, W10, W11): the sweep finds what is due; running it twice is harmless.
    "whistleblowing-deadline-sweep": {
        "task": "whistleblowing.tasks.deadline_sweep",
        "schedule": 60 * 60,
    },
    # Retention (W14): delete cases five years after closing.
    "whistleblowing-retention-sweep": {
        "task": "whistleblowing.tasks.retention_sweep",
        "schedule": 24 * 60 * 60,
    },
}
