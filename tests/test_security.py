"""Settings, MFA enforcement, session lifetime, CSP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from config.env import ImproperlyConfiguredEnv, database_from_url, env_bool, redis_for_worker
from tests.conftest import World
from tests.factories.groups import give_role, make_user

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PORTAL_ENV": "production",
        "SECRET_KEY": "k" * 20 + "production-secret-for-the-check-only-" + "z" * 20,
        "ALLOWED_HOSTS": "gruppeportalen.example.org",
        "EMAIL_URL": "smtp://portal:secret@mail.example.org:587",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "PORTAL_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_env_helpers_reject_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "kanskje")
    with pytest.raises(ImproperlyConfiguredEnv, match="not a boolean"):
        env_bool("X_FLAG", False)
    with pytest.raises(ImproperlyConfiguredEnv, match="not supported"):
        database_from_url("mysql://x@y/z")
    parsed = database_from_url("postgres://u:p%40ss@db:5433/portal")
    assert (parsed["NAME"], parsed["PASSWORD"], parsed["PORT"]) == ("portal", "p@ss", "5433")


def test_postgres_statements_are_bound_and_prepared_by_the_server_unless_the_url_says_not():
    """Issue 13: a short query is parsed and planned once per connection. A pooler in
    transaction mode cannot keep prepared statements; the URL turns them off."""
    options = database_from_url("postgres://u@db/portal")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}
    options = database_from_url(
        "postgres://u@db/portal?server_side_binding=false&prepare_threshold=none&sslmode=require"
    )["OPTIONS"]
    assert options == {
        "server_side_binding": False,
        "prepare_threshold": None,
        "sslmode": "require",
    }
    for bad in ("server_side_binding=ja", "prepare_threshold=mange"):
        with pytest.raises(ImproperlyConfiguredEnv, match="DATABASE_URL"):
            database_from_url(f"postgres://u@db/portal?{bad}")


def test_each_parallel_test_process_has_a_redis_database_of_its_own() -> None:
    assert redis_for_worker("redis://127.0.0.1:6379/0", "gw0") == "redis://127.0.0.1:6379/1"
    assert redis_for_worker("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/2"
    assert redis_for_worker("redis://:pw@r:6380", "gw2") == "redis://:pw@r:6380/3"


@pytest.mark.django_db
def test_roles_requiring_mfa_are_sent_to_totp_setup_before_any_page() -> None:
    user = make_user()
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name="course_administrators")[0])
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("groups:home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a device is added; either way the user
    # stays in the account pages instead of being bounced back.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 or setup["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.django_db
def test_a_role_with_totp_reaches_its_pages() -> None:
    user = give_role(make_user(), "whistleblowing_handlers")
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("groups:home")).status_code == 200


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(world: World) -> None:
    from django.test import Client

    response = Client().get("/admin/login/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_session_expires_after_idle_timeout(world: World, settings: object) -> None:
    client = world.client_for("member")
    assert client.get(reverse("groups:home")).status_code == 200
    session = client.session
    session["_portal_seen_at"] = int(time.time()) - 2 * 60 * 60
    session.save()
    response = client.get(reverse("groups:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_session_expires_after_absolute_timeout(world: World) -> None:
    client = world.client_for("member")
    client.get(reverse("groups:home"))
    session = client.session
    session["_portal_login_at"] = int(time.time()) - 13 * 60 * 60
    session.save()
    assert client.get(reverse("groups:home")).status_code == 302


@pytest.mark.django_db
def test_pages_carry_a_nonce_based_csp(world: World) -> None:
    response = world.client_for("member").get(reverse("groups:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.django_db
def test_login_failures_are_rate_limited(world: World) -> None:
    from django.test import Client

    from tests.factories.groups import PASSWORD

    client = Client()
    email = world.users["member"].email
    for _ in range(6):
        client.post(reverse("account_login"), {"login": email, "password": "feil"})
    # Locked out for a while: even the right password does not log in now.
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
