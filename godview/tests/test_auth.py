"""Login throttling and session timeouts."""

import datetime as dt

import pytest
from django.utils import timezone

from godview.auth import SESSION_SEEN, SESSION_STARTED

pytestmark = pytest.mark.django_db


def attempt(client, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": "leader", "password": password}, REMOTE_ADDR=ip)


def test_five_failed_logins_lock_the_username_from_that_address_with_a_cool_off(client, leader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    # Even the right password is refused while locked.
    assert attempt(client, "godview").status_code == 429


def test_a_lockout_is_per_address_and_not_permanent(client, leader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    assert attempt(client, "godview", ip="10.0.0.2").status_code == 302  # another address logs in
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert attempt(client, "godview").status_code == 302  # the cool-off is over


def test_a_successful_login_resets_the_failure_count(client, leader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, "godview").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200


def age_session(client, **ago: dt.timedelta) -> None:
    session = client.session
    for key, delta in ago.items():
        session[{"started": SESSION_STARTED, "seen": SESSION_SEEN}[key]] = (timezone.now() - delta).isoformat()
    session.save()


def test_an_idle_session_expires_after_the_idle_timeout(client, leader, settings):
    client.force_login(leader)
    assert client.get("/").status_code == 200
    age_session(client, seen=settings.SESSION_IDLE_TIMEOUT + dt.timedelta(minutes=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302  # logged out for good


def test_an_active_session_still_ends_at_the_absolute_timeout(client, leader, settings):
    client.force_login(leader)
    client.get("/")
    age_session(client, started=settings.SESSION_ABSOLUTE_TIMEOUT + dt.timedelta(minutes=1), seen=dt.timedelta(0))
    assert client.get("/").status_code == 302


def test_an_expired_htmx_request_is_told_to_redirect_to_login(client, leader, settings):
    client.force_login(leader)
    client.get("/")
    age_session(client, seen=settings.SESSION_IDLE_TIMEOUT * 2)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/"


def test_recent_activity_keeps_the_session(client, leader, settings):
    client.force_login(leader)
    client.get("/")
    age_session(client, seen=settings.SESSION_IDLE_TIMEOUT - dt.timedelta(minutes=5))
    assert client.get("/").status_code == 200


# --- behind a reverse proxy (TRUSTED_PROXY_COUNT) ---------------------------------------------

PROXY = "10.0.0.254"  # every request reaches the app from the proxy's address


def proxied(client, password: str, forwarded: str):
    return client.post(
        "/login/",
        {"username": "leader", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_one_proxy_failures_from_one_client_do_not_lock_out_another(client, leader, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxied(client, "wrong", "198.51.100.7")
    assert proxied(client, "wrong", "198.51.100.7").status_code == 429  # the guesser is locked
    assert proxied(client, "godview", "203.0.113.9").status_code == 302  # the real user logs in


def test_behind_one_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(client, leader, settings):
    """The client may send its own X-Forwarded-For; the proxy appends the real address after it."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        proxied(client, "wrong", f"192.0.2.{n}, 198.51.100.7")
    assert proxied(client, "godview", "192.0.2.200, 198.51.100.7").status_code == 429


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(client, leader, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxied(client, "wrong", "198.51.100.7, 10.0.0.1")
    assert proxied(client, "godview", "198.51.100.7, 10.0.0.1").status_code == 429
    assert proxied(client, "godview", "203.0.113.9, 10.0.0.1").status_code == 302


def test_without_proxies_forwarded_for_is_ignored(client, leader, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        proxied(client, "wrong", f"198.51.100.{n}")  # a client rotating a header it writes itself
    assert proxied(client, "godview", "203.0.113.9").status_code == 429


@pytest.mark.parametrize(
    ("forwarded", "count", "seen"),
    [
        ("203.0.113.5", 1, "203.0.113.5"),
        ("203.0.113.5:4711", 1, "203.0.113.5"),
        ("[2001:db8::1]:443", 1, "2001:db8::1"),
        ("2001:db8::1", 1, "2001:db8::1"),
        ("forged, 203.0.113.5", 1, "203.0.113.5"),
        ("203.0.113.5", 2, PROXY),  # shorter than the proxy chain: did not come through it
        ("not-an-address", 1, PROXY),
        ("", 1, PROXY),
        ("203.0.113.5", 0, PROXY),
    ],
)
def test_the_client_address_read_from_forwarded_for(rf, settings, forwarded, count, seen):
    from godview.auth import client_address

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == seen
