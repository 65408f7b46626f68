"""The number, money, percent and duration filters of every template: `{% load numbers %}`.
Each writes the active language's separators (core/numbers.py)."""

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import grouped, money_text, percent_text, points_text

register = template.Library()

register.filter("pct", percent_text)
register.filter("pts", points_text)


@register.filter
def money(value, currency: str = "") -> str:
    """`{{ client.mrr|money }}` → "12.3k"; `{{ client.mrr|money:client.currency }}` → "12.3k USD"."""
    return money_text(value, currency or "")


@register.filter
def num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return grouped(float(value), int(digits))


@register.filter
def days_ago(day, today) -> str:
    """“today”, “1 day ago”, “12 days ago” for a date."""
    if not day:
        return "—"
    days = (today - day).days
    if days <= 0:
        return _("today")
    return ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days}


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """Whole minutes of a timedelta, rounded up: `{{ cooloff|minutes }}`."""
    if not isinstance(value, dt.timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)
