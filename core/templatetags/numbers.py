"""The number, money, percent and duration filters of every template: `{% load numbers %}`."""

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from core.numbers import money_text, percent_text, points_text

register = template.Library()

register.filter("money", money_text)
register.filter("pct", percent_text)
register.filter("pts", points_text)


@register.filter
def num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.{int(digits)}f}"


@register.filter
def days_ago(day, today) -> str:
    """“today”, “1 day ago”, “12 days ago” for a date."""
    if not day:
        return "—"
    days = (today - day).days
    if days <= 0:
        return _("today")
    return _("1 day ago") if days == 1 else _("%(n)s days ago") % {"n": days}


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """Whole minutes of a timedelta, rounded up: `{{ cooloff|minutes }}`."""
    if not isinstance(value, dt.timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)
