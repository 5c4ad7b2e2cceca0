BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # S10: attendance lists are kept as long as the policy says (>= 5 years), then deleted.
    "attendance-retention-sweep": {
        "task": "attendance.tasks.retention_sweep",
        "schedule": 24 * 60 * 60,
    },
}
