"""Weeks and quarters in the agency time zone (settings.TIME_ZONE). Pure: no ORM."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# The days the product reasons about: every week in it has its Sunday, every period its weeks
# before, far inside what Python's dates hold (a Monday in late 9999 has no Sunday).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def agency_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> dt.date:
    """Today in the agency time zone."""
    return timezone.now().astimezone(agency_tz()).date()


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_deadline(monday: dt.date) -> dt.datetime:
    """Sunday 23:59:59 of the week starting `monday`, in the agency time zone (aware)."""
    sunday = monday + dt.timedelta(days=6)
    return dt.datetime.combine(sunday, dt.time(23, 59, 59), tzinfo=agency_tz())


def days_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) as aware datetimes in the agency time zone."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=agency_tz())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=agency_tz())
    return start, end


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) as aware datetimes in the agency time zone."""
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=agency_tz())
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=agency_tz())
    return start, end


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year} Q{quarter}"


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def validate_supported_day(day: dt.date) -> None:
    """A form validator: refuse dates outside FIRST_DAY..LAST_DAY with a message, not a 500 later."""
    if not FIRST_DAY <= day <= LAST_DAY:
        bounds = {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        raise ValidationError(_("Choose a date from %(first)s to %(last)s.") % bounds)


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    """The first day of the month after the one starting `first`."""
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
