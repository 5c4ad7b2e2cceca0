"""Member's home page and group page: req/s ÷ a bare hello view (same gunicorn -w 2, same
run, wrk on loopback), and query counts at 1× and 10× members (must be equal).

    .venv/bin/python -m tests.benchmarks.groups_bench
"""

from __future__ import annotations

from tests.benchmarks.common import gunicorn, query_count, session_cookie, setup_django, wrk


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse

    from groups.demo import load
    from tests.factories.groups import make_membership

    ctx = load()
    group, member = ctx.group, ctx.users["member"]
    client = Client()
    client.force_login(member)
    pages = {"home": reverse("groups:home"), "group": reverse("groups:detail", args=[group.pk])}
    counts_1x = {name: query_count(client, url) for name, url in pages.items()}
    base_members = group.memberships.count()
    for _ in range(base_members * 9):
        make_membership(group)
    counts_10x = {name: query_count(client, url) for name, url in pages.items()}
    cookie = session_cookie(member)
    with gunicorn() as base:
        wrk(base + "/__hello__", seconds=2)  # warm up
        hello = wrk(base + "/__hello__")
        rates = {name: wrk(base + url, cookie) for name, url in pages.items()}
        hello_again = wrk(base + "/__hello__")
    hello_mean = (hello + hello_again) / 2
    print(f"hello view: {hello:.0f} and {hello_again:.0f} req/s (mean {hello_mean:.0f})")
    for name in pages:
        print(
            f"{name} page ({group.memberships.count()} members): {rates[name]:.0f} req/s = "
            f"{rates[name] / hello_mean:.2f} × hello; queries at 1× {counts_1x[name]}, "
            f"at 10× {counts_10x[name]}"
        )
        assert counts_1x[name] == counts_10x[name], f"{name}: query count grows with members"


if __name__ == "__main__":
    main()
