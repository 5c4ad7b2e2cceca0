BEAT_SCHEDULE = {
    "groups-heartbeat": {"task": "groups.tasks.heartbeat", "schedule": 60.0},
    # Retention and erasure completion, driven by config/privacy.py (daily).
    "groups-privacy-sweep": {
        "task": "groups.privacy_sweep",
        "schedule": 24 * 60 * 60,
    },
}
