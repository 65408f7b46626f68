"""The site frame: login, navigation, health, error pages, admin, settings validation."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_login_page_renders_with_a_csp_nonce_and_no_inline_handlers(client):
    response = client.get("/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "nonce-" in response["Content-Security-Policy"]
    assert "onclick=" not in body and ' style="' not in body


def test_a_leader_logs_in_and_lands_on_the_god_view(client, leader):
    response = client.post("/login/", {"username": "leader", "password": "godview"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert "Log out" in response.content.decode()


def test_a_wrong_password_gets_a_clear_message_not_an_error(client, leader):
    response = client.post("/login/", {"username": "leader", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_healthz_answers_without_login_and_reports_the_database_and_redis(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] is True
    if settings.REDIS_URL:
        assert response.json()["redis"] is True


def test_healthz_reports_degraded_with_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": True, "redis": False}


def test_unknown_pages_get_the_friendly_404(client, leader):
    client.force_login(leader)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Back to the God-view" in response.content.decode()


def test_the_friendly_500_page_renders_without_the_database(rf):
    from godview.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_staff_see_the_admin_link_and_others_do_not(client, admin_user, am):
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(am)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff


def admin_urls() -> list[tuple[str, str]]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(("changelist", reverse("admin:{}_{}_changelist".format(*info))))
        if model_admin.has_add_permission(_StaffRequest()):
            urls.append(("add", reverse("admin:{}_{}_add".format(*info))))
    return urls


class _StaffRequest:
    class user:  # a stand-in request.user for has_add_permission
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True


def test_every_admin_changelist_and_add_page_answers_200_for_admin(client, admin_user):
    from clients.tests.factories import ClientFactory

    ClientFactory()
    client.force_login(admin_user)
    urls = admin_urls()
    assert len(urls) > 20
    failures = [(kind, url, code) for kind, url in urls if (code := client.get(url).status_code) != 200]
    assert failures == []


def test_the_admin_shows_a_weekly_goals_deadline_read_only(client, admin_user):
    from clients.tests.factories import WeeklyGoalFactory

    goal = WeeklyGoalFactory()
    client.force_login(admin_user)
    page = client.get(reverse("admin:clients_weeklygoal_change", args=[goal.pk])).content.decode()
    assert 'name="deadline"' not in page and 'name="week_start"' not in page


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "godview.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SECRET_KEY"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "true", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DEBUG": "true", "STALE_CONTACT_DAYS_PREMIUM": "soon"}, "STALE_CONTACT_DAYS_PREMIUM"),
        ({"DEBUG": "true", "GROSS_MARGIN": "2"}, "GROSS_MARGIN"),
        ({"DEBUG": "true", "SYNC_HOUR": "25"}, "SYNC_HOUR"),
    ],
)
def test_bad_settings_stop_the_start_up_naming_the_variable(env, named):
    result = run_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_good_production_settings_start():
    result = run_settings({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "godview.example"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    production = {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in production}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "k" * 32 + "-production-secret-" + "z" * 32, "ALLOWED_HOSTS": "godview.example"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
