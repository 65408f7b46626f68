"""The rollups of time entries, refreshed by the daily rollup for the months and weeks of the days
it computes (the nightly run: yesterday, today, and every earlier day that late hours changed; a
range's backfill): a client's hours of a month by person (`MonthlyHours`, /revenue/'s cost) and a
person's hours of a week (`WeeklyHours`, /capacity/'s hours per week)."""

import datetime as dt

from django.db import transaction
from django.db.models import DateField, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from core.weeks import agency_tz, days_bounds, month_first, next_month, week_start
from tasks.models import MonthlyHours, TimeEntry, WeeklyHours


@transaction.atomic
def refresh_months(first: dt.date, last: dt.date) -> int:
    """Sum again the hours of every client, person and month from `first`'s month to `last`'s (one
    aggregate, a delete, then inserts of a thousand rows)."""
    start, end = month_first(first), next_month(month_first(last))
    lo, hi = days_bounds(start, end - dt.timedelta(days=1))
    rows = (
        TimeEntry.objects.filter(client__isnull=False, started_at__gte=lo, started_at__lt=hi)
        .annotate(month=TruncMonth("started_at", tzinfo=agency_tz(), output_field=DateField()))
        .values("client_id", "user_id", "month")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    months = [
        MonthlyHours(client_id=r["client_id"], user_id=r["user_id"], month=r["month"], hours=r["total"]) for r in rows
    ]
    MonthlyHours.objects.filter(month__gte=start, month__lt=end).delete()
    MonthlyHours.objects.bulk_create(months, batch_size=1000)
    return len(months)


@transaction.atomic
def refresh_person_weeks(first: dt.date, last: dt.date) -> int:
    """Sum again every person's hours of each week from `first`'s week to `last`'s (one aggregate,
    a delete, then inserts of a thousand rows)."""
    start, end = week_start(first), week_start(last) + dt.timedelta(weeks=1)
    lo, hi = days_bounds(start, end - dt.timedelta(days=1))
    rows = (
        TimeEntry.objects.filter(user__isnull=False, started_at__gte=lo, started_at__lt=hi)
        .annotate(week=TruncWeek("started_at", tzinfo=agency_tz(), output_field=DateField()))
        .values("user_id", "week")
        .annotate(total=Sum("hours"))
        .order_by()
        .values_list("user_id", "week", "total")
    )
    weeks = [WeeklyHours(user_id=user, week_start=week, hours=total) for user, week, total in rows]
    WeeklyHours.objects.filter(week_start__gte=start, week_start__lt=end).delete()
    WeeklyHours.objects.bulk_create(weeks, batch_size=1000)
    return len(weeks)
