"""The rows behind the objectives figures (issue 20, item 1): `/objectives/`, every counted
objective with its state, filtered like the God-view, paginated, CSV."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clients.scoring import OBJECTIVE_STATES
from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.numbers import half_up
from core.sorting import kept, ordering
from godview import objectives as figures
from godview import selectors
from godview.forms import parse_filters
from godview.targets import with_targets
from godview.views import bad_filter, filters_or_400, wants_csv

PAGE_SIZE = 50


def scoped_filters(request: HttpRequest):
    """The God-view filters; a pod or person outside the user's scope (or unknown) is 404."""
    form, filters = parse_filters(request.GET, request.user)
    if filters is None and {"pod", "am"} & set(form.errors):
        raise Http404
    if filters is None:
        return filters_or_400(request)
    return form, filters


OBJECTIVE_COLUMNS = {
    "client": ("client__name", "due_date"),
    "objective": ("title", "client__name"),
    "due": ("due_date", "client__name"),
}


@require_GET
@bad_filter
def objective_list(request: HttpRequest) -> HttpResponse:
    form, filters = scoped_filters(request)
    state = params.choice(request.GET, "state", OBJECTIVE_STATES)
    clients = selectors.scoped_clients(request.user, filters)
    sort = ordering(request.GET, OBJECTIVE_COLUMNS, "due")
    rows = (
        figures.filter_by_state(clients, state, filters.start, filters.today)
        .annotate(points=figures.points_subquery())
        .select_related("client", "client__account_manager")
        .order_by(*sort.order)
    )
    if wants_csv(request):
        return _csv(rows, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = figures.objective_rows(list(page.object_list), filters.today)
    counts = figures.counts_for(clients, filters.start, filters.today)
    shown = {"state": state} if state else {}
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "state": state,
        "counts": counts,
        "states": [(key, figures.STATE_LABELS[key], getattr(counts, key)) for key in OBJECTIVE_STATES],
        "definition": figures.DEFINITION,
        "keep": shown,
        "query": urlencode(filters.params() | shown | kept(request.GET)),
        "sort": sort.current,
        "sort_descending": sort.descending,
    }
    return render(
        request, template_for(request, "godview/objective_list.html", frozenset({"objective-table"})), context
    )


def _csv(rows, filters) -> HttpResponse:
    header = [
        _("client"),
        _("account manager"),
        _("objective"),
        _("metric"),
        _("baseline"),
        _("target"),
        _("current value"),
        _("start date"),
        _("due date"),
        _("progress %"),
        _("time elapsed %"),
        _("state"),
    ]
    items = figures.objective_rows(list(rows.iterator(chunk_size=500)), filters.today)
    return csv_response(
        "objectives.csv",
        header,
        (
            [r.objective.client.name, str(r.objective.client.account_manager or ""), r.objective.title,
             r.objective.metric, r.objective.baseline, r.objective.target, r.objective.current_value,
             r.objective.start_date, r.objective.due_date, half_up(r.progress, 1), half_up(r.elapsed, 1), r.state]
            for r in items
        ),
    )  # fmt: skip


@require_GET
@bad_filter
def objective_tile(request: HttpRequest) -> HttpResponse:
    """The God-view's "Objectives on pace" tile, loaded by the page (its target and gap too)."""
    _form, filters = scoped_filters(request)
    clients = selectors.scoped_clients(request.user, filters)
    kpi = figures.objective_kpi(clients, filters, reverse("objective_list") + filters.querystring())
    return render(request, "godview/_kpi_objectives.html", {"kpi": with_targets([kpi])[0]})
