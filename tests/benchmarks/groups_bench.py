"""Member's home page, group page, and a county group's page with 500 local party members
(G2): req/s ÷ a bare hello view (same gunicorn -w 2, same run, wrk on loopback), and query
counts at 1× and 10× members (must be equal).

    .venv/bin/python -m tests.benchmarks.groups_bench
"""

from __future__ import annotations

from tests.benchmarks.common import (
    gunicorn,
    paired,
    query_count,
    record,
    session_cookie,
    setup_django,
    wrk,
)


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse

    from groups.demo import load
    from groups.models import BoardRole, GroupKind, Seat
    from tests.factories.groups import make_group, make_membership

    ctx = load()
    group, member = ctx.group, ctx.users["member"]
    county = make_group(area_name="Innlandet", kind=GroupKind.COUNTY)
    county_leader = make_membership(county, board_role=BoardRole.LEADER).user
    for _ in range(49):
        make_membership(county, seat=Seat.PARTY_MEMBER)
    client, leader_client = Client(), Client()
    client.force_login(member)
    leader_client.force_login(county_leader)
    pages = {
        "member home": (client, reverse("groups:home")),
        "group page": (client, reverse("groups:detail", args=[group.pk])),
        "county group page, leader": (leader_client, reverse("groups:detail", args=[county.pk])),
    }
    counts_1x = {name: query_count(c, url) for name, (c, url) in pages.items()}
    for _ in range(group.memberships.count() * 9):
        make_membership(group)
    for _ in range(county.memberships.count() * 9):
        make_membership(county, seat=Seat.PARTY_MEMBER)
    counts_10x = {name: query_count(c, url) for name, (c, url) in pages.items()}
    cookies = {client: session_cookie(member), leader_client: session_cookie(county_leader)}
    with gunicorn() as base:
        wrk(base + "/__hello__", seconds=2)  # warm up
        # the floor: what any page of a logged-in user pays (session, user, middleware)
        floor = paired(base, "/__hello__", cookies[client])
        measured = {name: paired(base, url, cookies[c]) for name, (c, url) in pages.items()}
    record("hello, logged in (the floor of every logged-in page)", *floor, None, None)
    sizes = {
        "group page": group.memberships.count(),
        "county group page, leader": county.memberships.count(),
    }
    for name in pages:
        label = f"{name} ({sizes[name]} members)" if name in sizes else name
        record(label, *measured[name], counts_1x[name], counts_10x[name])
    for name in pages:
        assert counts_1x[name] == counts_10x[name], f"{name}: query count grows with members"


if __name__ == "__main__":
    main()
