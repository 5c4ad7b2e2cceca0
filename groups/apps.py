from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Grupper")

    def ready(self) -> None:
        # Failed Celery tasks of every app are recorded for the health page.
        from groups import task_failures  # noqa: F401
