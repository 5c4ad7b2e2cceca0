from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Møter")

    def ready(self) -> None:
        from config import providers
        from meetings import homework as meetings_homework
        from meetings import questions_home
        from meetings.services.cycle import cycle_load

        # Items, requests, deviations and the next meeting on the home page.
        providers.HOME_WORK.register(meetings_homework.home_work, name="meetings")
        # G28: the author's questions and their deadlines, the leader's approvals.
        providers.HOME_WORK.register(questions_home.home_work, name="meetings.questions")
        # G27: a new period gets its year's cycle when it is created.
        providers.PERIOD_CREATED.register(cycle_load, name="meetings.cycle")
