"""Test data builders, one module per app (tests/factories/<app>.py)."""
