"""Handlers are made when the role is granted (issue 14): whichever way a user lands in the
handlers group, the Handler row is there at once, and the handlers' pages only read it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from tests.factories.whistleblowing import make_user
from whistleblowing import services
from whistleblowing.models import HANDLERS_GROUP, Handler

BEFORE = ("whistleblowing", "0009_notification_outbox")
AFTER = ("whistleblowing", "0010_handler_rows_for_group_members")


def _group() -> Group:
    return Group.objects.get_or_create(name=HANDLERS_GROUP)[0]


@pytest.mark.django_db
def test_adding_a_user_to_the_handlers_group_makes_the_row_as_secretariat() -> None:
    user = make_user()
    assert not Handler.objects.filter(user=user).exists()
    user.groups.add(_group())
    handler = Handler.objects.get(user=user)
    assert (handler.role, handler.is_active, handler.has_keys) == ("secretariat", True, False)


@pytest.mark.django_db
def test_adding_from_the_group_side_and_setting_groups_make_rows_too() -> None:
    first, second, third = make_user(), make_user(), make_user()
    _group().user_set.add(first, second)  # what the demo data and scripts do
    third.groups.set([_group(), Group.objects.create(name="other")])  # the admin's form
    assert set(Handler.objects.values_list("user_id", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }


@pytest.mark.django_db
def test_other_groups_make_no_row_and_an_ended_role_is_not_revived() -> None:
    user = make_user()
    user.groups.add(Group.objects.create(name="course_administrators"))
    assert not Handler.objects.exists()
    user.groups.add(_group())
    Handler.objects.filter(user=user).update(is_active=False, role="leader")
    user.groups.remove(_group())
    user.groups.add(_group())  # back in the group: the secretariat decides on the row
    assert Handler.objects.filter(user=user).values_list("role", "is_active").get() == (
        "leader",
        False,
    )


@pytest.mark.django_db
def test_handler_for_user_only_reads() -> None:
    user = make_user(handler_group=True)
    Handler.objects.filter(user=user).delete()  # a row lost: the page must not make one
    with CaptureQueriesContext(connection) as queries:
        assert services.handler_for_user(user) is None
    assert not Handler.objects.exists()
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    user.groups.remove(_group())
    user.groups.add(_group())
    assert services.handler_for_user(user) == Handler.objects.get(user=user)


def _migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] != target[0]]
    executor.migrate([target])
    return executor.loader.project_state([target, *others]).apps


@pytest.mark.django_db(transaction=True)
def test_members_of_the_group_from_before_get_their_row_from_the_migration() -> None:
    old = _migrate(BEFORE)
    try:
        User = old.get_model("groups", "User")
        OldGroup = old.get_model("auth", "Group")
        OldHandler = old.get_model("whistleblowing", "Handler")
        group = OldGroup.objects.create(name=HANDLERS_GROUP)
        waiting = User.objects.create(email="venter@example.org", full_name="Vera Venter")
        waiting.groups.add(group)  # a historical model: no signal, as before this change
        known = User.objects.create(email="kjent@example.org", full_name="Kari Kjent")
        known.groups.add(group)
        OldHandler.objects.create(user=known, role="leader", is_active=False)
        outside = User.objects.create(email="utenfor@example.org", full_name="Ulf Utenfor")
        assert OldHandler.objects.count() == 1

        new = _migrate(AFTER)
        rows = {
            h.user.email: (h.role, h.is_active)
            for h in new.get_model("whistleblowing", "Handler").objects.select_related("user")
        }
        assert rows == {
            "venter@example.org": ("secretariat", True),
            "kjent@example.org": ("leader", False),
        }
        assert outside.email not in rows
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
