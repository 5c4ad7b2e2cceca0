import os
import smtplib
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gruppeportalen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one retry policy of every task that sends e-mail, in all four apps (issue 15 item 10):
# a mail server that is down, refuses for a while or times out is tried again after about
# 1, 2, 4, 8, 16 and 30 minutes (each jittered down to spread a backlog); then the task
# fails for good, and groups records it for the health page (groups.task_failures).
# smtplib's errors are OSErrors, as are refused connections, resets and timeouts. A refused
# recipient does not get better by waiting: that fails at once.
MAIL_RETRY: dict[str, Any] = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "dont_autoretry_for": (smtplib.SMTPRecipientsRefused,),
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 6,
}
