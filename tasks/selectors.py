"""Reads about sources and sync runs for screens."""

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from clients.models import Client
from core.weeks import agency_tz
from tasks.models import DueDateChange, ExternalProject, Source, SyncRun, TimeEntry


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


# --- due dates that moved --------------------------------------------------------------------


SLIP_DAYS = 28  # slips are counted over four weeks (the snapshot, the health signal, the rule)


class Slips(NamedTuple):
    slips: int  # due-date changes that moved a date later (or took it away)
    tasks: int  # the distinct tasks they moved


def slips_by_client(clients: QuerySet[Client] | Iterable[int], start: dt.date, end: dt.date) -> dict[int, Slips]:
    """Slips per client seen from `start` up to `end` (agency days, `end` excluded), one query.

    `clients` is a scoped queryset (`visible_to`) or client ids; live tasks only; a client
    without slips is left out. The daily snapshot's `slipped_tasks` is this over 28 days.
    """
    since, until = (dt.datetime.combine(day, dt.time.min, tzinfo=agency_tz()) for day in (start, end))
    rows = (
        DueDateChange.objects.slips()
        .filter(seen_at__gte=since, seen_at__lt=until, task__client__in=clients, task__deleted_at__isnull=True)
        .values("task__client_id")
        .annotate(slips=Count("pk"), tasks=Count("task", distinct=True))
    )
    return {row["task__client_id"]: Slips(row["slips"], row["tasks"]) for row in rows}


# --- the sync page ---------------------------------------------------------------------------

RUNS_PER_PAGE = 15
LISTED = 50  # unmapped projects and unknown assignees shown; the CSV has them all


def hours_logged_recently(client, user, limit: int = 5) -> list:
    """The person's latest hours on this client, logged here or synced (one query)."""
    return list(TimeEntry.objects.filter(client=client, user=user).order_by("-started_at", "-pk")[:limit])


def can_use_sync(user) -> bool:
    """Leadership and admins run the sync; everyone else does not know the page exists (404)."""
    return bool(user.is_authenticated and user.is_active and (user.sees_everything or user.is_staff))


def sync_sources() -> list[Source]:
    """Every source with its latest run, last success, live task and unmapped project counts.

    Two queries whatever the number of sources or runs: the annotated sources (with the id of
    their latest run), then those runs.
    """
    finished = SyncRun.objects.filter(source=OuterRef("pk"), live_tasks__isnull=False).order_by("-finished_at", "-pk")
    unmapped = ExternalProject.objects.filter(source=OuterRef("pk"), client__isnull=True, archived=False).values(
        "source"
    )
    latest_run = SyncRun.objects.filter(source=OuterRef("pk")).order_by("-queued_at", "-pk").values("pk")[:1]
    sources = list(
        Source.objects.annotate(
            last_success_at=Max(
                "runs__finished_at", filter=Q(runs__status__in=[SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL])
            ),
            task_count=Coalesce(Subquery(finished.values("live_tasks")[:1]), 0),
            unmapped_count=Coalesce(Subquery(unmapped.annotate(n=Count("pk")).values("n")[:1]), 0),
            latest_run_id=Subquery(latest_run),
        ).order_by("name")
    )
    latest = {run.source_id: run for run in SyncRun.objects.filter(pk__in=[s.latest_run_id for s in sources])}
    for source in sources:
        source.latest_run = latest.get(source.pk)
    return sources


def sync_run_page(page_number: str | int | None) -> Page:
    runs = SyncRun.objects.select_related("source", "requested_by").order_by("-queued_at", "-pk")
    return Paginator(runs, RUNS_PER_PAGE).get_page(page_number)


def sync_runs_for_export() -> QuerySet[SyncRun]:
    return SyncRun.objects.select_related("source").order_by("-queued_at", "-pk")


def unmapped_projects(limit: int | None = LISTED) -> list[ExternalProject]:
    """Projects no client claims, with the client their name suggests (stored by the sync), one query."""
    projects = ExternalProject.objects.filter(client__isnull=True, archived=False).select_related(
        "source", "suggested_client"
    )
    return list(projects.order_by("source__name", "name")[:limit])


def unknown_assignees(sources: Iterable[Source], limit: int | None = LISTED) -> list[dict]:
    """Emails tasks are assigned to that match no user (who to add, or fix, in admin), as each
    source's last run counted them: no query of its own, whatever the number of tasks."""
    merged: dict[str, list[int]] = {}
    for source in sources:
        for email, tasks, open_tasks in source.unknown_assignees:
            counts = merged.setdefault(email, [0, 0])
            counts[0] += tasks
            counts[1] += open_tasks
    rows = [{"assignee_email": e, "tasks": t, "open_tasks": o} for e, (t, o) in merged.items()]
    rows.sort(key=lambda r: (-r["tasks"], r["assignee_email"]))
    return rows[:limit] if limit else rows


def sync_run_for_progress(run_id: int) -> SyncRun | None:
    return SyncRun.objects.select_related("source").filter(pk=run_id).first()
