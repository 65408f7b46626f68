"""Login throttling and session timeouts."""

import datetime as dt
import ipaddress
from urllib.parse import urlsplit

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes lockout for logins over HTTP (keyed on username and IP, with a cool-off).

    Authentication without a request (management commands, the test client) has no client to
    throttle; it falls through to the model backend.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginView(auth_views.LoginView):
    """The login page; a signed-in visitor goes on to `next` or the God-view."""

    redirect_authenticated_user = True

    def get_redirect_url(self, request=None) -> str:
        # A `next` that leads back to the login page would send a signed-in user round in a loop
        # (Django refuses it with a 500): go to the default page instead.
        url = super().get_redirect_url(request)
        return "" if url and urlsplit(url).path.rstrip("/") == settings.LOGIN_URL_PATH.rstrip("/") else url


def client_address(request: HttpRequest) -> str | None:
    """The address login throttling keys on (django-axes' AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = n reverse proxies in front of the app, each appends the address it
    was reached from to X-Forwarded-For, so the client is the n-th entry from the right: anything
    further left was written by the client itself and is not believed. Without proxies, or when
    the header is short or malformed (the request did not come through them), the socket's peer.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and (address := _address(forwarded[-proxies])):
        return address
    return request.META.get("REMOTE_ADDR")


def _address(hop: str) -> str | None:
    """The IP address of an X-Forwarded-For entry: "203.0.113.5", "203.0.113.5:4711", "[2001:db8::1]:443"."""
    if hop.startswith("["):
        hop = hop[1:].partition("]")[0]
    elif hop.count(":") == 1:
        hop = hop.partition(":")[0]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None


SESSION_STARTED = "godview_session_started"
SESSION_SEEN = "godview_session_seen"
SEEN_RESOLUTION = dt.timedelta(minutes=1)  # write the session at most once a minute


class SessionTimeoutMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT of inactivity or SESSION_ABSOLUTE_TIMEOUT since login."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and (response := self.expire(request)) is not None:
            return response
        return self.get_response(request)

    def expire(self, request: HttpRequest) -> HttpResponse | None:
        now = timezone.now()
        session = request.session
        started = _read(session.get(SESSION_STARTED)) or now
        seen = _read(session.get(SESSION_SEEN)) or now
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT or now - seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(request, _("Your session has expired. Please log in again."))
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = settings.LOGIN_URL_PATH
                return response
            return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        if SESSION_STARTED not in session:
            session[SESSION_STARTED] = now.isoformat()
        if now - seen >= SEEN_RESOLUTION or SESSION_SEEN not in session:
            session[SESSION_SEEN] = now.isoformat()
        return None


def stamp_session(sender, request: HttpRequest, user, **kwargs) -> None:
    """Start the session's clocks at login, so the first request after it writes nothing."""
    now = timezone.now().isoformat()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


def _read(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
