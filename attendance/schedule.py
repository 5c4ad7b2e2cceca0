BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # S10: attendance lists are kept as long as the policy says (>= 5 years), then deleted.
    "attendance-retention-sweep": {
        "task": "attendance.tasks.retention_sweep",
        "schedule": 24 * 60 * 60,
    },
    # Issue 20: runs still queued and "ready" e-mails never sent (their one-off task was
    # lost with a broker restart) are queued again.
    "attendance-pending-certificate-runs": {
        "task": "attendance.tasks.resume_certificate_runs",
        "schedule": 5 * 60,
    },
}
