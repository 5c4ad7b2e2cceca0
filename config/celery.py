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

# --- Acknowledgement and the broker's visibility timeout, per task type (issue 20) --------
#
# Every task is acknowledged late (settings.CELERY_TASK_ACKS_LATE): the broker forgets a
# message only after the task has run, so a worker that dies with the task in hand (kill -9,
# OOM, a machine that stops) leaves it unacknowledged, and Redis hands it out again once
# the visibility timeout has passed since it was taken.
#
# * Sweeps (deadline, reminders, retention, privacy, unlock, heartbeat) query what is due
#   and are idempotent: running one twice, or late, does nothing the next beat run would
#   not do anyway. acks_late costs them nothing; if the redelivery takes the full timeout
#   it does not matter either, because the next beat run (minutes away) finds everything
#   still due. A killed sweep sitting unacknowledged for an hour is harmless, as the
#   fault-injection run saw.
# * One-off tasks (a notice to handlers, an invitation, a certificate run and its e-mail)
#   keep MAIL_RETRY for a mail server that is away, and acks_late so a dead worker does
#   not lose them: the message comes back after the timeout. A broker that loses them
#   (a restart without its append-only file) loses no work either: each is a row in the
#   database first (config/outbox.py: whistleblowing's Notification, groups' QueuedTask,
#   attendance's CertificateRun), and beat's sweeps send or queue again what is pending
#   (whistleblowing-send-notices, groups-outbox-sweep, attendance-pending-certificate-
#   runs). The price is at least once: a worker killed after the SMTP server took a
#   message and before the row is marked sends it again, under the same Message-ID. The
#   certificate run claims its row atomically, so a redelivery finds nothing.
# * A child process that dies while the worker lives on is acknowledged by Celery as
#   failed (task_reject_on_worker_lost stays False): requeueing it would loop for ever on
#   a task that kills its process every time (a PDF that exhausts memory). The sweeps
#   catch up with such work anyway.
#
# The visibility timeout (Redis only; the filesystem broker of the embedded run has no
# such thing and keeps unacknowledged messages until the worker restarts) is 1 hour,
# Celery's default, written down so nobody lowers it by accident:
# * It must be longer than the longest countdown of a retry, because Redis counts a
#   message whose ETA lies ahead as taken: with MAIL_RETRY's backoff of at most 30 minutes,
#   a timeout under that hands every waiting retry to a second worker, and the e-mail goes
#   out twice. tests/test_unavailable.py checks the margin.
# * It must be longer than any task runs, or a slow certificate run is started again while
#   the first is still working (its atomic claim then makes the second find nothing, but
#   the run would be late). Not measured here for large courses: if a run ever nears an
#   hour, raise this with it.
# * Longer would only delay the redelivery of a one-off task after a crash; a notice is
#   about deadlines counted in days, so an hour's delay is acceptable.
BROKER_VISIBILITY_TIMEOUT = 60 * 60
TASK_ACKS_LATE = True
TASK_REJECT_ON_WORKER_LOST = False
