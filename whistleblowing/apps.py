from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistleblowingConfig(AppConfig):
    name = "whistleblowing"
    verbose_name = _("Varsling")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from config import providers
        from whistleblowing import homework as wb_homework
        from whistleblowing import logfilter, selectors, unlock

        user_logged_out.connect(unlock.on_logout, dispatch_uid="whistleblowing-unlock-logout")
        logfilter.install()
        # No silent fallback (issue 12): a route nobody with a key can read is a failed
        # row on the health page.
        providers.HEALTH_CHECKS.register(selectors.route_health_checks, name=_("Varslingsruter"))
        # The handler's deadlines on the home page, without groups importing this app.
        providers.HOME_WORK.register(wb_homework.home_work, name="whistleblowing")
