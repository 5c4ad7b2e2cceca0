from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistleblowingConfig(AppConfig):
    name = "whistleblowing"
    verbose_name = _("Varsling")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from whistleblowing import logfilter, unlock

        user_logged_out.connect(unlock.on_logout, dispatch_uid="whistleblowing-unlock-logout")
        logfilter.install()
