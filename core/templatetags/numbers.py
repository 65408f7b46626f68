"""The number, money, percent and duration filters of every template: `{% load numbers %}`.
Each writes the active language's separators (core/numbers.py)."""

import datetime as dt

from django import template
from django.conf import settings
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import grouped, money_text, percent_text, points_text
from core.weeks import today as agency_today

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """`{{ amount|money }}` → "12.3k USD"; `{{ client.mrr|money:client.currency }}` for a client's own."""
    return money_text(value, currency or settings.CURRENCY)


register.filter("pct", percent_text)
register.filter("pts", points_text)


@register.filter
def num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return grouped(float(value), int(digits))


@register.filter
def days_ago(day, today=None) -> str:
    """“today”, “1 day ago”, “12 days ago” for a date: the one wording of relative days on every
    screen (never “0 days ago”). `today` defaults to the agency's."""
    if not day:
        return "—"
    if isinstance(day, dt.datetime):
        day = day.date()
    days = ((today or agency_today()) - day).days
    if days <= 0:
        return _("today")
    return ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days}


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """Whole minutes of a timedelta, rounded up: `{{ cooloff|minutes }}`."""
    if not isinstance(value, dt.timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter(expects_localtime=True)
def short_date(value) -> str:
    """The one short date style: "3 Nov", with the year when it is not this year ("3 Nov 2025").
    Month names follow the language (Django's `date`)."""
    if not value:
        return "—"
    this_year = agency_today().year
    return date_format(value, "j M" if value.year == this_year else "j M Y")


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """The one long date style: "3 November 2026"."""
    return date_format(value, "j F Y") if value else "—"
