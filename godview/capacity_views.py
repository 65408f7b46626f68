"""`/capacity/` (screen 10) for leadership and pod leads (their pod): utilisation, load, clients and
MRR per pod and person, the pods over capacity now and within 90 days, and the hiring need, with
its assumptions editable in the URL (`limit`, `new_capacity`, `hpc_<pod id>`) for a what-if."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import DEFAULT_WEEKLY_CAPACITY, Pod, User
from clients.models import Client
from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.numbers import half_up
from core.sorting import kept, ordering, sorted_rows
from core.weeks import today
from godview import capacity, capacity_selectors, charts
from godview.churn_views import chosen_pod, leads_pods
from tasks.load import LOAD_DAYS, load_as_of

PEOPLE_PAGE = 50
PODS_PAGE = 25  # the pods table's page; the hiring plan and the CSV count every pod
CHART_PODS = 10  # the chart's lines: the pods with the highest projected utilisation
HPC_PREFIX = "hpc_"
# core.sorting.sorted_rows: a row's value, most first natural. The pods come by peak utilisation
# (capacity.plan), so that is their default; the people by pod and name, their own order ("").
POD_COLUMNS = {
    "name": (lambda p: p.name.lower(), False),
    "people": (lambda p: p.people, True),
    "capacity": (lambda p: p.capacity, True),
    "hours": (lambda p: p.hours, True),
    "utilisation": (lambda p: p.utilisation, True),
    "load": (lambda p: p.load, True),
    "clients": (lambda p: p.clients, True),
    "mrr": (lambda p: p.mrr, True),
    "hours_per_client": (lambda p: p.hours_per_client, True),
    "signed": (lambda p: len(p.signed), True),
    "peak": (lambda p: (p.peak.utilisation or 0) if p.peak else 0, True),  # capacity.plan's order
    "over": (lambda p: p.over_on, False),
    "hires": (lambda p: p.hires, True),
}
PEOPLE_COLUMNS = {
    "person": (lambda r: str(r.person).lower(), False),
    "pod": (lambda r: r.person.pod.name.lower() if r.person.pod else None, False),
    "capacity": (lambda r: r.capacity, True),
    "hours": (lambda r: r.hours, True),
    "utilisation": (lambda r: r.utilisation, True),
    "load": (lambda r: r.load, True),
    "clients": (lambda r: r.clients, True),
    "mrr": (lambda r: r.mrr, True),
}
ROW_COLUMNS = {  # core.sorting, per kind of rows; the first of each is its own order
    "hours": {
        "started": ("-started_at",),
        "person": ("user__first_name", "user__last_name", "started_at"),
        "client": ("client__name", "started_at"),
        "hours": ("-hours", "started_at"),
    },
    "load": {
        "due": ("due_on",),
        "task": ("name", "due_on"),
        "assignee": ("assignee__first_name", "assignee__last_name", "due_on"),
        "client": ("client__name", "due_on"),
    },
    "signed": {
        "starts": ("started_on", "name"),
        "client": ("name",),
        "am": ("account_manager__first_name", "account_manager__last_name", "name"),
        "pod": ("account_manager__pod__name", "name"),
        "mrr": ("-mrr", "name"),
    },
}


def _assumptions(request: HttpRequest, pods: list[Pod]) -> tuple[Decimal, Decimal, dict[int, Decimal]]:
    """The limit (a percentage in the URL), a new hire's weekly hours, and per-pod hours per
    client; a pod named that is not the user's is 404, a bad number a 400 that says the range."""
    limit = params.decimal(
        request.GET, "limit", settings.OVER_CAPACITY_UTILISATION * 100, Decimal("5"), Decimal("200")
    ) / Decimal(100)
    new_capacity = params.decimal(request.GET, "new_capacity", DEFAULT_WEEKLY_CAPACITY, Decimal("1"), Decimal("80"))
    mine = {p.pk for p in pods}
    overrides = {}
    for name in request.GET:
        if not name.startswith(HPC_PREFIX):
            continue
        raw = name.removeprefix(HPC_PREFIX)
        if not raw.isdigit():
            raise params.BadParameter(_("%(name)s: the part after hpc_ must be a pod's number.") % {"name": name})
        if int(raw) not in mine:
            raise Http404
        value = params.decimal(request.GET, name, None, Decimal("0"), Decimal("200"))
        if value is not None:
            overrides[int(raw)] = value
    return limit, new_capacity, overrides


def _inputs(request: HttpRequest):
    pods = leads_pods(request)
    chosen = chosen_pod(request, pods)
    limit, new_capacity, overrides = _assumptions(request, pods)
    shown = [p for p in pods if chosen is None or p.pk == chosen]
    on = today()
    clients = Client.objects.visible_to(request.user)
    signed = capacity_selectors.signed_to_start(clients, on)
    # Everyone's figures, not a page's: the people sort by them and the pods sum them.
    people = capacity_selectors.people_capacity(list(_people(request, chosen, pods)), clients, on)
    pod_rows = capacity_selectors.pod_capacity(shown, clients, on, signed, people)
    for row in pod_rows:
        row.hours_per_client_override = overrides.get(row.pod_id)
    hiring = capacity.plan(pod_rows, on, limit, new_capacity)
    return pods, chosen, on, signed, hiring, overrides, people


def plain(value: Decimal) -> str:
    """40 → "40", 17.50 → "17.5": no exponent (Decimal's normalize writes 40 as 4E+1)."""
    return format(value.normalize(), "f")


def _query(chosen: int | None, limit: Decimal, new_capacity: Decimal, overrides: dict[int, Decimal]) -> dict:
    query: dict = {"pod": chosen} if chosen else {}
    if limit != settings.OVER_CAPACITY_UTILISATION:
        query["limit"] = plain(half_up(limit * 100, 1))
    if new_capacity != DEFAULT_WEEKLY_CAPACITY:
        query["new_capacity"] = plain(new_capacity)
    return query | {f"{HPC_PREFIX}{pk}": plain(v) for pk, v in overrides.items()}


def _people(request: HttpRequest, chosen: int | None, pods: list[Pod]):
    ids = [chosen] if chosen else [p.pk for p in pods]
    return (
        User.objects.filter(pod_id__in=ids, is_active=True)
        .select_related("pod")
        .order_by("pod__name", "first_name", "last_name", "pk")
    )


@require_GET
def capacity_view(request: HttpRequest) -> HttpResponse:
    pods, chosen, on, signed, hiring, overrides, everyone = _inputs(request)
    pods_sort, pod_rows = sorted_rows(request.GET, POD_COLUMNS, "peak", hiring.pods, name="pods_sort")
    sort, everyone = sorted_rows(request.GET, PEOPLE_COLUMNS, "", everyone)
    page = Paginator(everyone, PEOPLE_PAGE).get_page(request.GET.get("page"))
    people = page.object_list
    pods_page = Paginator(pod_rows, PODS_PAGE).get_page(request.GET.get("pods_page"))
    shown = {p.pod_id for p in pods_page.object_list}
    query = _query(chosen, hiring.limit, hiring.new_capacity, overrides)
    on_pods_page = {"pods_page": pods_page.number} if pods_page.number > 1 else {}
    pod_ids = {p.pod_id for p in hiring.pods}
    weeks = capacity_selectors.the_weeks(on)
    # The pods nearest their limit (capacity.plan's order): 200 lines would tell nobody anything.
    charted = [(p.name, p.weekly_utilisation) for p in hiring.pods[:CHART_PODS]]
    figure, table = charts.pod_utilisation(weeks, charted, hiring.limit)
    context = {
        "pods": pods,
        "pod": chosen,
        "today": on,
        "hiring": hiring,
        "people": people,
        "page": page,
        "weeks": weeks,
        "chart": figure,
        "chart_table": table,
        "charted": len(charted),
        "pods_count": len(hiring.pods),
        "limit_pct": plain(half_up(hiring.limit * 100, 1)),
        "new_capacity": plain(hiring.new_capacity),
        "overrides": {pk: plain(v) for pk, v in overrides.items()},
        "signed": [s for s in signed if chosen is None or s.pod_id == chosen],
        "unassigned": [s for s in signed if s.pod_id not in pod_ids] if chosen is None else [],
        "horizon": capacity.HORIZON_DAYS,
        "load_days": LOAD_DAYS,
        "load_as_of": load_as_of(),
        "weeks_count": capacity.WEEKS,
        "query": urlencode(query),
        "page_query": urlencode(query | kept(request.GET) | kept(request.GET, "pods_sort") | on_pods_page),
        "pods_page_query": urlencode(query | kept(request.GET) | kept(request.GET, "pods_sort")),
        "hpc_prefix": HPC_PREFIX,
        "pod_rows": pods_page.object_list,
        "pods_page": pods_page,
        # The other pages' hours per client, kept when the form recomputes from this one.
        "hidden_overrides": {pk: plain(v) for pk, v in overrides.items() if pk not in shown},
        "pods_sort": pods_sort.current,
        "pods_sort_descending": pods_sort.descending,
        "sort": sort.current,
        "sort_descending": sort.descending,
    }
    partials = frozenset({"pods-table", "people"})
    return render(request, template_for(request, "godview/capacity.html", partials), context)


def _ratio(value: Decimal | None) -> str:
    return "" if value is None else str(half_up(value, 4))


@require_GET
def capacity_export(request: HttpRequest) -> HttpResponse:
    """`?table=pods|people|signed`, with the page's pod and assumptions."""
    table = params.choice(request.GET, "table", ("pods", "people", "signed"), "pods")
    pods, _chosen, on, signed, hiring, _overrides, people = _inputs(request)
    if table == "pods":
        header = [
            _("pod"),
            _("people"),
            _("capacity h/week"),
            _("hours/week"),
            _("utilisation"),
            _("load"),
            _("clients"),
            _("mrr"),
            _("hours per client (assumed)"),
            _("signed to start"),
            _("peak hours/week"),
            _("peak utilisation"),
            _("over capacity from"),
            _("hires needed"),
        ]
        lines = (
            [p.name, p.people, p.capacity, half_up(p.hours, 2), _ratio(p.utilisation), p.load, p.clients, p.mrr,
             half_up(p.hours_per_client, 2), len(p.signed), half_up(p.peak.hours, 2), _ratio(p.peak.utilisation),
             p.over_on or "", p.hires]
            for p in hiring.pods
        )  # fmt: skip
        return csv_response(f"capacity-pods-{on}.csv", header, lines)
    if table == "signed":
        names = {p.pk: p.name for p in pods}
        lines = ([s.name, s.starts_on, names.get(s.pod_id, ""), s.mrr] for s in signed)
        return csv_response(f"capacity-signed-{on}.csv", [_("client"), _("starts on"), _("pod"), _("mrr")], lines)
    weeks = capacity_selectors.the_weeks(on)
    header = [
        _("person"),
        _("role"),
        _("pod"),
        _("capacity h/week"),
        *[_("hours week of %(week)s") % {"week": w} for w in weeks],
        _("hours/week"),
        _("utilisation"),
        _("load"),
        _("clients"),
        _("mrr"),
    ]
    lines = (
        [str(r.person), r.person.get_role_display(), r.person.pod.name if r.person.pod else "", r.capacity,
         *r.weekly_hours, half_up(r.hours, 2), _ratio(r.utilisation), r.load, r.clients, r.mrr]
        for r in people
    )  # fmt: skip
    return csv_response(f"capacity-people-{on}.csv", header, lines)


ROW_KINDS = ("hours", "load", "signed")


@require_GET
def capacity_rows(request: HttpRequest) -> HttpResponse:
    """The rows behind a figure: `?kind=hours` (the time entries of the weeks shown), `load` (open
    tasks due in the next 14 days) or `signed` (clients signed to start), for `pod` or `person`."""
    kind = params.choice(request.GET, "kind", ROW_KINDS, "hours")
    pods = leads_pods(request)
    chosen = chosen_pod(request, pods)
    person = params.text(request.GET, "person").strip()
    people = User.objects.filter(pod_id__in=[chosen] if chosen else [p.pk for p in pods], is_active=True)
    if person:
        if not person.isdigit():
            raise params.BadParameter(_("person must be a person's number."))
        people = people.filter(pk=int(person))
        if not people.exists():
            raise Http404
    on = today()
    load_day = (load_as_of() or on) if kind == "load" else on  # the stored loads' window
    sort = ordering(request.GET, ROW_COLUMNS[kind], next(iter(ROW_COLUMNS[kind])))
    rows = capacity_selectors.rows_behind(kind, people, Client.objects.visible_to(request.user), chosen, on, load_day)
    page = Paginator(rows.order_by(*sort.order), PEOPLE_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("kind", kind), ("pod", chosen or ""), ("person", person)) if v} | kept(request.GET)
    context = {"kind": kind, "page": page, "query": urlencode(query), "weeks": capacity_selectors.the_weeks(on)}
    context["load_from"], context["load_to"] = load_day, load_day + dt.timedelta(days=LOAD_DAYS)
    context["load_days"], context["horizon"] = LOAD_DAYS, capacity.HORIZON_DAYS
    context["sort"], context["sort_descending"] = sort.current, sort.descending
    return render(request, template_for(request, "godview/capacity_rows.html", frozenset({"capacity-rows"})), context)
