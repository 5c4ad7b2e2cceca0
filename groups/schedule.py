BEAT_SCHEDULE = {
    "groups-heartbeat": {"task": "groups.tasks.heartbeat", "schedule": 60.0},
    # Retention and erasure completion, driven by config/privacy.py (daily).
    "groups-privacy-sweep": {
        "task": "groups.privacy_sweep",
        "schedule": 24 * 60 * 60,
    },
    # Issue 20: one-off tasks (invitations, notices to leaders) a broker restart lost are
    # queued again from the outbox (groups/outbox.py).
    "groups-outbox-sweep": {"task": "groups.outbox_sweep", "schedule": 10 * 60},
}
