BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
