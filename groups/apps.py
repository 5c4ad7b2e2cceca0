from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Grupper")

    def ready(self) -> None:
        # Failed Celery tasks of every app are recorded for the health page.
        from config import homework
        from groups import homework as groups_homework
        from groups import task_failures  # noqa: F401

        # The groups app's own part of every role's home page.
        homework.register("groups", groups_homework.home_work)
