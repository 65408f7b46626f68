"""Query parameters, parsed one way everywhere: a value a screen cannot use is a clear 400 that
says what to send instead, never a 500 from deep inside a query or a date calculation.

`BadParameter` is Django's `BadRequest`, so a view may simply let it rise: the site's 400 page
shows its message. Dates are bounded to the years the product can reason about (a week needs
its Sunday, a period its weeks before), far inside what Python's dates can hold.
"""

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.weeks import FIRST_DAY as EARLIEST
from core.weeks import LAST_DAY as LATEST


class BadParameter(BadRequest):
    """A query parameter the screen cannot use; the message is shown to the user."""


def text(params: Mapping, name: str, default: str = "") -> str:
    value = params.get(name, default)
    if "\x00" in value:
        raise BadParameter(_("%(name)s cannot contain a NUL character.") % {"name": name})
    return value


def choice(params: Mapping, name: str, choices: Collection[str], default: str = "") -> str:
    """One of `choices`, or `default` when the parameter is absent or empty."""
    value = text(params, name) or default
    if value != default and value not in choices:
        raise BadParameter(_("%(name)s must be one of: %(choices)s.") % {"name": name, "choices": ", ".join(choices)})
    return value


def day(params: Mapping, name: str, default: dt.date | None = None) -> dt.date | None:
    """An ISO date between EARLIEST and LATEST, or `default` when absent or empty."""
    raw = text(params, name)
    if not raw:
        return default
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(_("%(name)s must be a date like 2026-01-05.") % {"name": name}) from None
    if not EARLIEST <= value <= LATEST:
        raise BadParameter(
            _("%(name)s must be a date from %(first)s to %(last)s.")
            % {"name": name, "first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
        )
    return value


def decimal(params: Mapping, name: str, default: Decimal | None, low: Decimal, high: Decimal) -> Decimal | None:
    """A plain number from `low` to `high` (a what-if value), or `default` when absent or empty."""
    raw = text(params, name).strip()
    if not raw:
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not low <= value <= high:
        raise BadParameter(
            _("%(name)s must be a number from %(low)s to %(high)s.") % {"name": name, "low": low, "high": high}
        )
    return value


def week(params: Mapping, name: str, default: dt.date) -> dt.date:
    """The Monday of the week holding the date in `name` (see `day`), or `default`."""
    value = day(params, name)
    return default if value is None else value - dt.timedelta(days=value.weekday())


class RejectNulBytesMiddleware:
    """No query parameter anywhere (admin included) carries a NUL: databases refuse them, and no
    screen has a use for one. Checked once here, before any view or form sees the value."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            message = _("The address contains a NUL character; remove it and try again.")
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
