"""The site keeps working when its services misbehave."""

import psycopg2
import pytest
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
