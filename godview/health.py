"""`/healthz`: 200 when the database (and Redis, where configured) answer; 503 otherwise.

A load balancer's probe is answered by `HealthCheckMiddleware`, right after the security
middleware and before anything that reads the session, the user or the Host header: during a
database outage a probe that carries a session cookie still gets its 503, and a probe by the
instance's address needs no ALLOWED_HOSTS entry. SECURE_REDIRECT_EXEMPT spares it the HTTPS
redirect (a probe over plain HTTP expects 200 or 503, not 301).
"""

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        log.exception("health check: database unreachable")
        return False


def redis_ok() -> bool | None:
    """None when Redis is not configured (the embedded default)."""
    if not settings.REDIS_URL:
        return None
    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        log.warning("health check: Redis unreachable")
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "redis": redis_ok()}
    healthy = all(value is not False for value in checks.values())
    body = {"status": "ok" if healthy else "degraded", **{k: v for k, v in checks.items() if v is not None}}
    return JsonResponse(body, status=200 if healthy else 503)


class HealthCheckMiddleware:
    PATH = "/healthz"

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == self.PATH:
            return healthz(request)
        return self.get_response(request)
