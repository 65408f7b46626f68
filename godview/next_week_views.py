"""`/next-week/`: goals and tasks due next week, clients with no goal planned, objectives that
must move (issue 20, item 2). Scoped like the God-view (an AM their clients, a pod lead their
pod, leadership all); a pod or person outside the scope is 404. One table at a time (`show`),
paginated, each with its CSV."""

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Pod, User
from accounts.permissions import people_scope, visible_pods
from clients.models import Objective
from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.numbers import half_up
from core.sorting import Sorted, kept, ordering, sorted_rows
from godview import next_week as ahead
from godview import selectors
from godview.objective_views import scoped_filters
from godview.views import bad_filter

TABLES = {
    "goals": _("Goals planned"),
    "tasks": _("Tasks due"),
    "clients": _("Clients with no goal planned"),
    "objectives": _("Objectives that must move"),
}
PAGE_SIZE = 50
COLUMNS = {  # core.sorting, per table; the first column of each is its default order
    "goals": {
        "client": ("client__name",),
        "goal": ("title", "client__name"),
        "objective": ("objective__title", "client__name"),
        "owner": ("owner__first_name", "owner__last_name", "client__name"),
        "status": ("status", "client__name"),
    },
    "tasks": {
        "due": ("due_on", "client__name"),
        "client": ("client__name", "due_on"),
        "task": ("name", "due_on"),
        "assignee": ("assignee__first_name", "assignee__last_name", "due_on"),
        "source": ("source__kind", "due_on"),
    },
    "clients": {
        "mrr": ("-mrr", "name"),
        "client": ("name",),
        "am": ("account_manager__first_name", "account_manager__last_name", "name"),
        "tier": ("tier__name", "name"),
    },
}
OBJECTIVE_COLUMNS = {  # core.sorting.sorted_rows: a row's value, most first natural
    "due": (lambda r: r.objective.due_date, False),
    "client": (lambda r: r.objective.client.name.lower(), False),
    "objective": (lambda r: r.objective.title.lower(), False),
    "current": (lambda r: r.objective.current_value, True),
    "needed": (lambda r: r.needed, True),
    "to_go": (lambda r: r.to_go, True),
    "target": (lambda r: r.objective.target, True),
}
# The columns the database orders exactly as sorted_rows would (exact values; ties in the list's
# order): those pages come from SQL. The others sort `light_rows` in Python, then fetch the page.
OBJECTIVE_ORDER = {
    "due": ("due_date", "client__name"),
    "current": ("-current_value", "due_date", "client__name"),
    "target": ("-target", "due_date", "client__name"),
}


@require_GET
@bad_filter
def next_week(request: HttpRequest) -> HttpResponse:
    form, filters = scoped_filters(request)
    form.fields.pop("period", None)  # next week is one week: the period filter has nothing to do here
    show = params.choice(request.GET, "show", TABLES, default="goals")
    clients = selectors.scoped_clients(request.user, filters)
    monday = ahead.next_monday(filters.today)
    tables = {
        "goals": ahead.planned_goals(clients, monday),
        "tasks": ahead.tasks_due(clients, monday),
        "clients": ahead.clients_without_goal(clients, monday),
        "objectives": ahead.moving(clients, monday),
    }
    if show == "objectives":
        sort, rows = _objectives(request, tables["objectives"], monday)
    else:
        sort = ordering(request.GET, COLUMNS[show], next(iter(COLUMNS[show])))
        rows = tables[show] = tables[show].order_by(*sort.order)
    if request.GET.get("format") == "csv":
        return _csv(show, _judged(rows, tables["objectives"], monday) if show == "objectives" else rows, monday)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if show == "objectives":  # the page's objectives, judged in Python (as many as it shows)
        page.object_list = _judged(page.object_list, tables["objectives"], monday)
    # The shown table's count is the paginator's; the others cost one COUNT each.
    counts = {key: page.paginator.count if key == show else q.count() for key, q in tables.items()}
    base = filters.params(period=None)
    context = {
        "form": form,
        "filters": filters,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "show": show,
        "tabs": [(key, label, counts[key]) for key, label in TABLES.items()],
        "page": page,
        "base": urlencode(base),
        "query": urlencode(base | {"show": show} | kept(request.GET)),
        "sort": sort.current,
        "sort_descending": sort.descending,
        "keep": {"show": show},
        "pod": Pod.objects.filter(pk=filters.pod).first() if filters.pod else None,
        "person": User.objects.filter(people_scope(request.user), pk=filters.am).first() if filters.am else None,
        "pods": visible_pods(request.user),
    }
    return render(request, template_for(request, "godview/next_week.html", frozenset({"next-week-table"})), context)


def _objectives(request: HttpRequest, moving: QuerySet[Objective], monday: dt.date) -> tuple[Sorted, object]:
    """The objectives in the order asked for: their ids as the database orders them, or, for a
    column it cannot order as Python does, the light rows sorted by `sorted_rows`."""
    sort, _rows = sorted_rows(request.GET, OBJECTIVE_COLUMNS, "due", [])  # the choice (400 if unknown)
    if (key := sort.current.lstrip("-")) in OBJECTIVE_ORDER:  # their ids: one scan gives order and count
        order = ordering(request.GET, OBJECTIVE_ORDER, "due").order
        return sort, list(moving.order_by(*order).values_list("pk", flat=True))
    return sorted_rows(request.GET, OBJECTIVE_COLUMNS, key, ahead.light_rows(moving, monday))


def _judged(shown, moving: QuerySet[Objective], monday: dt.date) -> list[ahead.ObjectiveToMove]:
    """Rows for the objectives shown (a page, or all for the CSV), judged in Python: their
    objectives fetched by id (ids, or light rows), in the order given."""
    pks = [r.objective.pk if isinstance(r, ahead.ObjectiveToMove) else r for r in shown]
    return ahead.rows_of(ahead.in_order(moving, pks), monday)


def _csv(show: str, rows, monday: dt.date) -> HttpResponse:
    name = f"next-week-{monday.isoformat()}-{show}.csv"
    if show == "goals":
        header = [_("week"), _("client"), _("owner"), _("goal"), _("objective"), _("status"), _("deadline")]
        lines = ([g.week_start, g.client.name, str(g.owner), g.title, g.objective.title if g.objective else "",
                  g.get_status_display(), g.deadline] for g in rows.iterator(chunk_size=500))  # fmt: skip
    elif show == "tasks":
        header = [_("due"), _("client"), _("task"), _("assignee"), _("source"), _("section / status")]
        lines = ([t.due_on, t.client.name, t.name, str(t.assignee or t.assignee_email or ""), t.source.name,
                  t.section] for t in rows.iterator(chunk_size=500))  # fmt: skip
    elif show == "clients":
        header = [_("client"), _("account manager"), _("tier"), _("mrr")]
        lines = ([c.name, str(c.account_manager or ""), c.tier.name, c.mrr] for c in rows.iterator(chunk_size=500))
    else:
        header = [
            _("client"),
            _("account manager"),
            _("objective"),
            _("metric"),
            _("current value"),
            _("needed by Sunday"),
            _("to go"),
            _("target"),
            _("due date"),
            _("progress %"),
            _("time elapsed by Sunday %"),
        ]
        lines = ([r.objective.client.name, str(r.objective.client.account_manager or ""), r.objective.title,
                  r.objective.metric, r.objective.current_value, half_up(r.needed, 2), half_up(r.to_go, 2),
                  r.objective.target, r.objective.due_date, half_up(r.progress, 1), half_up(r.elapsed_then, 1)]
                 for r in rows)  # fmt: skip
    return csv_response(name, header, lines)
