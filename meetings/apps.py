from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Møter")

    def ready(self) -> None:
        from config import homework
        from meetings import homework as meetings_homework
        from meetings import questions_home

        # Items, requests, deviations and the next meeting on the home page.
        homework.register("meetings", meetings_homework.home_work)
        # G28: the author's questions and their deadlines, the leader's approvals.
        homework.register("meetings.questions", questions_home.home_work)
