"""Reads about sources and sync runs for screens."""

from django.db.models import Max, Q

from tasks.models import Source, SyncRun


def data_freshness() -> list[Source]:
    """Enabled sources with `last_success_at` (end of the latest successful run), one query."""
    return list(
        Source.objects.filter(enabled=True)
        .annotate(
            last_success_at=Max(
                "runs__finished_at", filter=Q(runs__status__in=[SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL])
            )
        )
        .order_by("name")
    )
