"""The site keeps working when its services misbehave."""

import os
import subprocess
import sys
from contextlib import contextmanager

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates Postgres backends")
@pytest.mark.django_db(transaction=True)
def test_the_next_request_succeeds_after_postgres_drops_the_persistent_connection(leader):
    """What a Postgres restart does to a long-lived app connection (CONN_MAX_AGE), replayed
    through a request's lifecycle: the health check at the request's first query reconnects."""
    from django.core.signals import request_finished, request_started

    from accounts.models import User

    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    request_started.send(sender=None)
    assert User.objects.filter(pk=leader.pk).exists()
    request_finished.send(sender=None)
    settings_dict = connection.settings_dict
    admin = psycopg2.connect(
        host=settings_dict["HOST"], port=settings_dict["PORT"], user=settings_dict["USER"], dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    admin.close()

    request_started.send(sender=None)
    assert User.objects.filter(pk=leader.pk).exists()
    request_finished.send(sender=None)


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    cache.close()
    yield
    cache.close()


def test_pages_still_render_when_redis_is_down_and_healthz_says_degraded(client, leader, redis_down):
    client.force_login(leader)
    assert client.get("/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"


def test_logging_in_works_when_redis_is_down(client, leader, redis_down):
    response = client.post("/login/", {"username": "leader", "password": "godview"})
    assert response.status_code == 302


@pytest.fixture
def broker_down(settings):
    """Point Celery's producer at a port where nothing listens (and restore it after)."""
    from godview.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("with no REDIS_URL jobs run in-process: there is no queue to lose")
    original = app.conf.broker_url

    def reset(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    reset("redis://127.0.0.1:1/0")
    yield
    reset(original)


@pytest.mark.django_db(transaction=True)
def test_sync_now_says_the_queue_is_unavailable_and_leaves_the_source_free(client, leader, broker_down):
    from tasks.models import SyncRun
    from tasks.tests.factories import SourceFactory

    source = SourceFactory(name="Asana")
    client.force_login(leader)
    response = client.post(f"/sync/sources/{source.pk}/run/", follow=True)
    assert response.status_code == 200
    assert "The job queue is unavailable" in response.content.decode()
    run = SyncRun.objects.get(source=source)
    assert run.status == SyncRun.Status.FAILED
    assert "Redis" in run.error_message
    # The failed run does not hold the one-run-per-source lock: the next press queues anew.
    client.post(f"/sync/sources/{source.pk}/run/")
    assert SyncRun.objects.filter(source=source).count() == 2


# --- a Postgres outage ---------------------------------------------------------------------


@contextmanager
def database_down(monkeypatch):
    """Every new query fails the way a dropped Postgres connection does."""
    from django.db import OperationalError, connections

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", refuse)
        yield


def test_healthz_answers_503_during_a_database_outage_even_with_a_session_cookie(client, leader, monkeypatch):
    client.force_login(leader)  # the probe (or a person) carries a session cookie
    assert client.get("/healthz").status_code == 200
    with database_down(monkeypatch):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_the_friendly_500_page_renders_during_a_database_outage_with_a_session_cookie(client, leader, monkeypatch):
    client.force_login(leader)
    client.raise_request_exception = False
    with database_down(monkeypatch):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def production(tmp_path, script: str) -> str:
    """Run `script` with production settings (DEBUG off, SECURE_SSL_REDIRECT on by default)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "REDIS_URL", "TEST_DATABASE_NAME")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "godview.settings",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "godview.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_with_production_settings_a_plain_http_probe_of_healthz_gets_200_not_a_redirect(tmp_path):
    script = (
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "assert settings.SECURE_SSL_REDIRECT\n"
        "probe = Client(HTTP_HOST='10.0.0.7')\n"  # a load balancer probes the instance by address
        "print(probe.get('/healthz').status_code, Client(HTTP_HOST='godview.example.com').get('/').status_code)\n"
    )
    assert production(tmp_path, script) == "200 301"


def test_a_fresh_web_process_knows_every_job_that_services_enqueue_by_name(tmp_path):
    """ "Sync now" looks its job up by name; a web process that imported no jobs module answered
    500 (NotRegistered) until some other code happened to import tasks.jobs."""
    script = (
        "from celery import current_app\n"
        "from tasks.services import SYNC_JOB\n"
        "print(SYNC_JOB in current_app.tasks, 'godview.jobs.daily_rollup' in current_app.tasks)\n"
    )
    assert production(tmp_path, script) == "True True"
