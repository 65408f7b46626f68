"""The rows behind the God-view's task figures, and the glossary of every KPI.

`/tasks/?kind=on_time` lists the tasks the on-time rate counts (original due date in the period,
on time when completed by the end of that day: the nightly rollup's rule), `kind=overdue` the open
tasks due before today. Both filtered like the God-view (period, pod, tier, AM), paginated, CSV.
"""

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import DateField, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.pagination import RollupCountPaginator
from core.sorting import kept, ordering, sorted_rows
from core.weeks import agency_tz
from godview import selectors
from godview.definitions import DEFINITIONS
from godview.forms import Filters
from godview.views import bad_filter, filters_or_400, wants_csv
from tasks.models import Task

KINDS = ("on_time", "overdue")
RETENTION_COLUMNS = {  # core.sorting.sorted_rows: a row's value, most first natural
    "client": (lambda r: r["client"].name.lower(), False),
    "then": (lambda r: r["then"], True),
    "now": (lambda r: r["now"], True),
    "change": (lambda r: r["change"], False),  # the biggest loss first
    "lost": (lambda r: r["lost"], True),
}


class Named(NamedTuple):
    """What a row of /retention/ shows of its client."""

    pk: int
    name: str
    currency: str


TASK_COLUMNS = {
    "task": ("name",),
    "client": ("client__name", "first_due"),
    "assignee": ("assignee__first_name", "assignee__last_name", "first_due"),
    "first_due": ("first_due", "client__name"),
    "due": ("due_on", "client__name"),
    "completed": ("completed_at",),
}


def task_rows(clients, filters: Filters, kind: str, order: list | None = None) -> QuerySet[Task]:
    """The tasks behind the on-time rate or the overdue count, soonest due first unless `order` says."""
    live = Task.objects.filter(client__in=clients, deleted_at__isnull=True).annotate(
        first_due=Coalesce("original_due_on", "due_on", output_field=DateField())
    )
    if kind == "overdue":
        rows = live.filter(completed_at__isnull=True, due_on__lt=filters.today, client__churned_on__isnull=True)
        return rows.select_related("client", "assignee").order_by(*(order or ["due_on", "client__name", "pk"]))
    rows = live.filter(first_due__gte=filters.start, first_due__lt=filters.end)
    return rows.select_related("client", "assignee").order_by(*(order or ["first_due", "client__name", "pk"]))


def rollup_count(user, clients, filters: Filters, kind: str) -> int:
    """The nightly rollup's count of the same rows: the figure the God-view shows."""
    if kind == "overdue":
        return selectors.latest_overdue(clients, filters.today)["overdue"]
    return selectors.snapshot_flows(selectors.scoped_snapshot_weeks(user, filters), filters)["due_now"]


def on_time(task: Task) -> bool:
    """Completed by the end of its original due day, agency time (godview.rollup's rule)."""
    if task.completed_at is None or task.first_due is None:
        return False
    end = dt.datetime.combine(task.first_due + dt.timedelta(days=1), dt.time.min, tzinfo=agency_tz())
    return task.completed_at < end


@require_GET
@bad_filter
def task_list(request: HttpRequest) -> HttpResponse:
    form, filters = filters_or_400(request)
    kind = params.choice(request.GET, "kind", KINDS, default="on_time")
    sort = ordering(request.GET, TASK_COLUMNS, "due" if kind == "overdue" else "first_due")
    clients = selectors.scoped_clients(request.user, filters)
    rows = task_rows(clients, filters, kind, sort.order)
    if wants_csv(request):
        header = [
            _("task"),
            _("client"),
            _("assignee"),
            _("original due date"),
            _("due date"),
            _("completed at"),
            _("on time"),
        ]
        return csv_response(
            f"tasks-{kind}.csv",
            header,
            ([t.name, t.client.name, str(t.assignee or t.assignee_email), t.first_due, t.due_on,
              t.completed_at.isoformat() if t.completed_at else "", _("yes") if on_time(t) else _("no")]
             for t in rows.iterator(chunk_size=500)),
        )  # fmt: skip
    pager = RollupCountPaginator(rows, 50, partial(rollup_count, request.user, clients, filters, kind))
    page = pager.get_page(request.GET.get("page"))
    for task in page.object_list:
        task.on_time = on_time(task)
    query = urlencode(filters.params() | {"kind": kind} | kept(request.GET))
    context = {"form": form, "filters": filters, "page": page, "kind": kind, "query": query, "keep": {"kind": kind}}
    context |= {"sort": sort.current, "sort_descending": sort.descending}
    return render(request, template_for(request, "godview/task_list.html", frozenset({"task-table"})), context)


@require_GET
@bad_filter
def retention(request: HttpRequest) -> HttpResponse:
    """The rows behind NRR and GRR: each client active 12 months ago, its MRR then and now."""
    form, filters = filters_or_400(request)
    clients = selectors.scoped_clients(request.user, filters)
    figures = selectors.retention_rows(clients, filters.today)
    # Plain tuples, not 10,000 model instances, and no list of every id sent back (at 10,000
    # clients those took 150 of the screen's 200 ms).
    names = {pk: Named(pk, name, currency) for pk, name, currency in clients.values_list("pk", "name", "currency")}
    rows = sorted(
        ({"client": names[pk], "then": then, "now": now, "lost": lost, "change": now - then}
         for pk, then, now, lost in figures),
        key=lambda r: (r["change"], r["client"].name),
    )  # fmt: skip
    sort, rows = sorted_rows(request.GET, RETENTION_COLUMNS, "change", rows)
    if wants_csv(request):
        header = [_("client"), _("mrr 12 months ago"), _("mrr now"), _("mrr lost (GRR)"), _("change")]
        return csv_response(
            "retention.csv", header, ([r["client"].name, r["then"], r["now"], r["lost"], r["change"]] for r in rows)
        )
    then, now = sum((r["then"] for r in rows), Decimal(0)), sum((r["now"] for r in rows), Decimal(0))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"form": form, "filters": filters, "page": page, "then": then, "now": now,
               "nrr": now / then if then else None, "query": urlencode(filters.params() | kept(request.GET)),
               "sort": sort.current, "sort_descending": sort.descending}  # fmt: skip
    return render(request, template_for(request, "godview/retention.html", frozenset({"retention-table"})), context)


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    """DESIGN's metric definitions in the product's words, one anchor per KPI tile."""
    return render(request, "godview/glossary.html", {"terms": DEFINITIONS})
