"""Each person's load (DESIGN "Load": open tasks due in the next 14 days), counted by the daily
rollup into `PersonLoad`, and the tasks behind it."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q

from tasks.models import PersonLoad, Task

LOAD_DAYS = 14


def open_due(day: dt.date) -> Q:
    """Open, live tasks due from `day` to LOAD_DAYS after it."""
    return Q(
        completed_at__isnull=True,
        deleted_at__isnull=True,
        due_on__gte=day,
        due_on__lte=day + dt.timedelta(days=LOAD_DAYS),
    )


def load_as_of() -> dt.date | None:
    """The day of the stored loads (the last rollup's), None before the first."""
    return PersonLoad.objects.order_by("-as_of").values_list("as_of", flat=True).first()


@transaction.atomic
def refresh_load(day: dt.date) -> int:
    """Count every assignee's open tasks due from `day` on, replacing the stored loads, unless a
    rollup of a later day stored them already (a past day recomputed for late data keeps today's).
    One aggregate over the open tasks' due-date index, a delete, then inserts."""
    stored = load_as_of()
    if stored is not None and stored > day:
        return 0
    counts = (
        Task.objects.filter(open_due(day), assignee__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignee_id", "n")
    )
    rows = [PersonLoad(user_id=user, as_of=day, tasks=n) for user, n in counts]
    PersonLoad.objects.all().delete()
    PersonLoad.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
