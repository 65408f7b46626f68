"""The monthly rollup of time entries (`MonthlyHours`), refreshed by the daily rollup for the months
of the days it computes: the nightly run (yesterday, today, and every earlier day that late hours
changed) and a range's backfill."""

import datetime as dt

from django.db import transaction
from django.db.models import DateField, Sum
from django.db.models.functions import TruncMonth

from core.weeks import agency_tz, days_bounds, month_first, next_month
from tasks.models import MonthlyHours, TimeEntry


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
