BEAT_SCHEDULE = {
    "groups-heartbeat": {"task": "groups.tasks.heartbeat", "schedule": 60.0},
}
