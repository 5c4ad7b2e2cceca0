from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Møter")

    def ready(self) -> None:
        from config import providers
        from meetings import homework as meetings_homework
        from meetings import questions_home

        # Items, requests, deviations and the next meeting on the home page.
        providers.HOME_WORK.register(meetings_homework.home_work, name="meetings")
        # G28: the author's questions and their deadlines, the leader's approvals.
        providers.HOME_WORK.register(questions_home.home_work, name="meetings.questions")
