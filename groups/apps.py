from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Grupper")

    def ready(self) -> None:
        # Failed Celery tasks of every app are recorded for the health page.
        # Answers groups.permissions remembers on a user object go stale on any such write.
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from config import pagecache, providers
        from config import privacy as inventory
        from config.roles import roles_changed
        from groups import homework as groups_homework
        from groups import (
            privacy,
            task_failures,  # noqa: F401
        )
        from groups.models import (
            CouncilGroup,
            CouncilGroupGroupObjectPermission,
            CouncilGroupUserObjectPermission,
            Membership,
            RuleAcknowledgement,
            RuleSet,
            User,
        )
        from groups.permissions import access_changed

        for model in (
            Membership,
            CouncilGroup,
            CouncilGroupUserObjectPermission,
            CouncilGroupGroupObjectPermission,
            RuleSet,  # and the rules in force and their acknowledgements (own_rules)
            RuleAcknowledgement,
        ):
            post_save.connect(access_changed, sender=model, dispatch_uid=f"access-{model.__name__}")
            post_delete.connect(
                access_changed, sender=model, dispatch_uid=f"access-del-{model.__name__}"
            )
        # central roles (course administrators, handlers) are auth groups
        m2m_changed.connect(access_changed, sender=User.groups.through, dispatch_uid="access-roles")
        m2m_changed.connect(roles_changed, sender=User.groups.through, dispatch_uid="roles")
        # Every write moves the generation that cached page fragments are keyed by.
        connection_created.connect(pagecache.install, dispatch_uid="pagecache-writes")
        # The groups app's own part of every role's home page.
        providers.HOME_WORK.register(groups_homework.home_work, name="groups")
        # Every app's sweep records its runs through config.privacy.record_sweep.
        inventory.register_sweep_recorder(privacy.record_sweep)
