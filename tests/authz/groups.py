from __future__ import annotations

from tests.authz import (
    GROUP_MANAGE,
    GROUP_VIEW,
    LOGGED_IN,
    PUBLIC,
    SECRETARIAT_ONLY,
    SITE_ADMIN_ONLY,
    Case,
    expect,
)

# A POST that redirects back when it is done (or refused with a message).
GROUP_MANAGE_POST = expect(
    anonymous=302,
    outsider=404,
    member=403,
    faction_leader=403,
    leader=302,
    course_admin=404,
    handler=404,
    site_admin=302,
)
ACK_POST = expect(
    anonymous=302,
    outsider=404,
    member=302,
    faction_leader=302,
    leader=302,
    course_admin=404,
    handler=404,
    site_admin=403,
)
# A bad acknowledgement (no version) is refused with a message and a redirect back.
ACK_ETHICS_POST = expect(
    anonymous=302,
    outsider=302,
    member=302,
    faction_leader=302,
    leader=302,
    course_admin=302,
    handler=302,
    site_admin=302,
)
BOARD_ONLY = expect(
    anonymous=302,
    outsider=404,
    member=403,
    faction_leader=403,
    leader=200,
    course_admin=404,
    handler=404,
    site_admin=200,
)


def _group(w):
    return {"pk": w.group.pk}


def _member(w):
    return {"pk": w.group.pk, "mid": w.memberships["member"].pk}


def _version(w):
    return {"pk": w.group.pk, "version": w.ruleset.version}


def _proposal(w):
    return {"pk": w.group.pk, "version": w.extra["rules_proposal"].version}


def setup(world):
    from groups.models import MembershipStatus, RuleSetStatus
    from tests.factories.groups import make_ethics, make_membership, make_ruleset

    world.extra["ethics"] = make_ethics()
    # Issue 17: a proposal to decide, so that a refused decision shows the form again.
    world.extra["rules_proposal"] = make_ruleset(
        world.group, status=RuleSetStatus.PROPOSED, decided_at=None
    )
    world.extra["proposed"] = make_membership(
        world.group, status=MembershipStatus.PROPOSED, transfer_from_party="Venstre"
    )
    # G24: the other group's next period, convened by the group's member as chapter leader
    # (the other group's leader, the outsider, is not in it).
    from tests.factories.groups import make_new_period

    world.extra["new_period"] = make_new_period(world.other_group, world.users["member"])


# The new period's pages: only its convener (here the member) and site admins act;
# members of other groups may not know it exists.
CONSTITUTE = expect(
    anonymous=302,
    outsider=404,
    member=200,
    faction_leader=404,
    leader=404,
    course_admin=404,
    handler=404,
    site_admin=200,
)
PERIOD_OPEN = expect(
    anonymous=302,
    outsider=404,
    member=403,
    faction_leader=403,
    leader=403,
    course_admin=404,
    handler=404,
    site_admin=200,
)


def _new_period(w):
    return {"pk": w.extra["new_period"].pk}


CASES = [
    Case("groups:home", LOGGED_IN),
    Case("groups:profile", LOGGED_IN),
    Case("groups:ethics", LOGGED_IN),
    Case("groups:ethics", ACK_ETHICS_POST, method="post", data=lambda w: {}),
    Case(
        "groups:ethics_version",
        LOGGED_IN,
        kwargs=lambda w: {"version": w.extra["ethics"].version},
    ),
    Case("groups:ethics_admin", SECRETARIAT_ONLY),
    Case("groups:ethics_publish", SECRETARIAT_ONLY),
    Case("groups:ethics_publish", SECRETARIAT_ONLY, method="post", data=lambda w: {}),
    Case("groups:create", SITE_ADMIN_ONLY),
    Case("groups:detail", GROUP_VIEW, kwargs=_group),
    Case("groups:member_add", GROUP_MANAGE, kwargs=_group),
    Case("groups:membership_edit", GROUP_MANAGE, kwargs=_member),
    Case("groups:membership_independent", GROUP_MANAGE_POST, kwargs=_member, method="post"),
    Case("groups:membership_leave", GROUP_MANAGE_POST, kwargs=_member, method="post"),
    Case("groups:transfer_propose", GROUP_MANAGE, kwargs=_group),
    Case(
        "groups:transfer_approve",
        BOARD_ONLY,
        kwargs=lambda w: {"pk": w.group.pk, "mid": w.extra["proposed"].pk},
    ),
    Case("groups:committee_create", GROUP_MANAGE, kwargs=_group),
    Case(
        "groups:committee_detail",
        GROUP_VIEW,
        kwargs=lambda w: {"pk": w.group.pk, "cid": w.committee.pk},
    ),
    Case("groups:rules", GROUP_VIEW, kwargs=_group),
    Case("groups:rules_list", GROUP_VIEW, kwargs=_group),
    Case("groups:rules_version", GROUP_VIEW, kwargs=_version),
    Case("groups:rules_pdf", GROUP_VIEW, kwargs=_version),
    Case("groups:rules_propose", GROUP_MANAGE, kwargs=_group),
    Case("groups:rules_decide", GROUP_MANAGE_POST, kwargs=_version, method="post"),
    # Issue 17: an empty decision on a proposal is refused on the form, input kept (200).
    Case(
        "groups:rules_decide",
        GROUP_MANAGE,
        kwargs=_proposal,
        method="post",
        data=lambda w: {},
        label="proposal",
    ),
    Case("groups:rules_acknowledge", ACK_POST, kwargs=_version, method="post"),
    Case("groups:period_open", PERIOD_OPEN, kwargs=_group),
    Case("groups:period_open", PERIOD_OPEN, kwargs=_group, method="post", data=lambda w: {}),
    Case("groups:constitution", CONSTITUTE, kwargs=_new_period),
    Case(
        "groups:constitution",
        CONSTITUTE,
        kwargs=_new_period,
        method="post",
        data=lambda w: {"meeting_at": "ikke en dato", "place": ""},
    ),
    Case("groups:constitution_seats", CONSTITUTE, kwargs=_new_period),
    Case(
        "groups:constitution_seats",
        CONSTITUTE,
        kwargs=_new_period,
        method="post",
        data=lambda w: {},
    ),
    Case("groups:constitution_elect", CONSTITUTE, kwargs=_new_period),
    Case(
        "groups:constitution_elect",
        CONSTITUTE,
        kwargs=_new_period,
        method="post",
        data=lambda w: {"leader": "x"},
    ),
    # G23: the leader sends the rules; a POST without the form's token is refused with a
    # message and redirects back.
    Case("groups:rules_send", GROUP_MANAGE, kwargs=_group),
    Case("groups:rules_send", GROUP_MANAGE_POST, kwargs=_group, method="post", data=lambda w: {}),
    Case("groups:health", SITE_ADMIN_ONLY),
    Case("groups:health_live", PUBLIC),
]
