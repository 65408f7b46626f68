"""/revenue/ (screen 9): MRR, NRR, GRR, logo churn, CLV, margin and NPS by month; renewals due
with their forecast, by pod and by risk score; the expansion pipeline; the lifecycle funnel. Every
number links to /revenue/rows/, which lists the rows behind it; every table has its CSV.

Leadership, finance and the read-only role see every client; pod leads their pod; anyone else 404.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Pod, User
from accounts.permissions import people_scope, sees_revenue_screen, visible_pods
from clients.models import Client, LifecycleStage, Opportunity, RenewalLikelihood
from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.sorting import Column, sorted_rows
from core.weeks import today
from godview import renewals as rn
from godview import revenue as rv
from godview import revenue_rows
from godview.revenue_charts import revenue_charts

PAGE = "godview/revenue.html"
ROWS_PAGE = "godview/revenue_rows.html"
DEFAULT_MONTHS = 12
SOONEST = 10
ROWS_PER_PAGE = 50


def _screen_user(request: HttpRequest) -> User:
    if not sees_revenue_screen(request.user):
        raise Http404
    return request.user


def _scope(request: HttpRequest) -> tuple[QuerySet[Client], Pod | None]:
    """The clients of the screen, narrowed to ?pod= (a pod the user sees; a pod lead's own)."""
    user = _screen_user(request)
    clients = Client.objects.for_revenue(user)
    pod_id = params.text(request.GET, "pod")
    if not pod_id:
        return clients, None
    if not pod_id.isdigit():
        raise params.BadParameter(_("pod must be a pod's number."))
    pods = Pod.objects.all() if user.reads_everything or user.is_finance else visible_pods(user)
    pod = get_object_or_404(pods, pk=int(pod_id))
    return clients.filter(account_manager__pod=pod), pod


def _months(request: HttpRequest) -> int:
    text = params.text(request.GET, "months", str(DEFAULT_MONTHS))
    if not text.isdigit() or not 1 <= int(text) <= rv.MAX_MONTHS:
        raise params.BadParameter(_("months must be a whole number from 1 to 24."))
    return int(text)


def revenue_context(clients: QuerySet[Client], on: dt.date, months: int, qs: str = "") -> dict:
    """Everything the screen shows (eleven queries, whatever the agency's size); `qs` the pod filter
    its chart points link with."""
    monthly = rv.monthly(clients, on, months)
    likelihood = RenewalLikelihood.table()
    due = rn.renewals_due(clients, on, likelihood=likelihood)
    upcoming, past_due = rn.split_due(due, on)
    next_90 = rn.in_window(upcoming, on, max(rn.WINDOWS))
    stages = rn.pipeline(Opportunity.objects.filter(client__in=clients), on - rv.YEAR)
    renewed, fell_due = rn.renewal_rate(clients, on - rv.YEAR, on)
    ttv, reached = rn.time_to_value(clients)
    return {
        "today": on,
        "months": months,
        "monthly": monthly,
        "latest": monthly[-1],
        "charts": revenue_charts(monthly, qs),
        "windows": rn.by_window(upcoming, on),
        "by_pod": rn.by_pod(next_90),
        "by_risk": rn.by_risk(next_90, likelihood),
        "soonest": next_90[:SOONEST],
        "due_count": len(next_90),
        "past_due": rn.bucket(past_due),
        "renewal_rate": rv.metrics.ratio(renewed, fell_due),
        "renewed": renewed,
        "fell_due": fell_due,
        "stages": stages,
        "pipeline_total": rn.open_pipeline(stages),
        "funnel": rn.funnel(clients),
        "time_to_value": ttv,
        "time_to_value_clients": reached,
        "onboarding": rn.onboarding(clients),
    }


@require_GET
def revenue(request: HttpRequest) -> HttpResponse:
    clients, pod = _scope(request)
    qs = f"&pod={pod.pk}" if pod else ""
    context = revenue_context(clients, today(), _months(request), qs)
    user = request.user
    context["pod"] = pod
    context["pods"] = list(Pod.objects.all() if user.reads_everything or user.is_finance else visible_pods(user))
    context["qs"] = qs
    return render(request, PAGE, context)


# --- CSV of each table ------------------------------------------------------------------------


def _monthly_csv(ctx: dict) -> tuple[list, list]:
    header = [
        _("month"),
        _("as of"),
        _("mrr"),
        _("added"),
        _("removed"),
        _("nrr"),
        _("grr"),
        _("churned"),
        _("active at start"),
        _("logo churn"),
        _("clv"),
        _("cost of hours"),
        _("margin"),
        _("nps"),
        _("nps responses"),
    ]
    rows = [
        [r.month.key, r.month.as_of, r.mrr, r.added, r.removed, r.nrr, r.grr, r.churned, r.active_at_start,
         r.logo_churn, r.clv, r.cost, r.margin, r.nps, r.nps_responses]
        for r in ctx["monthly"]
    ]  # fmt: skip
    return header, rows


def _bucket_cells(b: rn.Bucket) -> list:
    return [b.count, b.committed, b.forecast]


TABLES: dict[str, Callable[[dict], tuple[list, list]]] = {
    "monthly": _monthly_csv,
    "renewals": lambda c: (
        [_("window (days)"), _("contracts"), _("committed mrr"), _("forecast")],
        [[days, *_bucket_cells(b)] for days, b in c["windows"]] + [[_("past due"), *_bucket_cells(c["past_due"])]],
    ),
    "renewals_by_pod": lambda c: (
        [_("pod"), _("contracts"), _("committed mrr"), _("forecast")],
        [[name or "—", *_bucket_cells(b)] for _pk, name, b in c["by_pod"]],
    ),
    "renewals_by_risk": lambda c: (
        [_("risk score"), _("likelihood"), _("contracts"), _("committed mrr"), _("forecast")],
        [[score or _("not assessed"), likelihood, *_bucket_cells(b)] for score, likelihood, b in c["by_risk"]],
    ),
    "pipeline": lambda c: (
        [_("stage"), _("opportunities"), _("expected mrr")],
        [[s.stage, s.count, s.mrr] for s in c["stages"]],
    ),
    "funnel": lambda c: (
        [_("stage"), _("clients"), _("mrr")],
        [[f["stage"], f["count"], f["mrr"]] for f in c["funnel"]],
    ),
    "onboarding": lambda c: (
        [_("client"), _("started on"), _("kickoff items done"), _("kickoff items")],
        [[o.name, o.started_on, o.kickoff_done, o.kickoff_total] for o in c["onboarding"]],
    ),
}


@require_GET
def revenue_export(request: HttpRequest) -> HttpResponse:
    table = params.choice(request.GET, "table", list(TABLES), "monthly")
    clients, _pod = _scope(request)
    header, rows = TABLES[table](revenue_context(clients, today(), _months(request)))
    return csv_response(f"revenue-{table}.csv", header, rows)


# --- the rows behind a figure -----------------------------------------------------------------


def _rows_for(request: HttpRequest) -> revenue_rows.Rows:
    clients, _pod = _scope(request)
    figure = params.choice(request.GET, "figure", revenue_rows.FIGURES, "mrr")
    on = today()
    if figure in ("renewals",):
        window = params.choice(request.GET, "window", ["30", "60", "90", "past"], "90")
        risk = params.choice(request.GET, "risk", ["", "1", "2", "3", "4", "none"], "")
        pod = params.text(request.GET, "in_pod")
        if pod and not pod.isdigit():
            raise params.BadParameter(_("in_pod must be a pod's number."))
        days = -1 if window == "past" else int(window)
        return revenue_rows.renewal_rows(clients, on, days, int(pod) if pod else None, risk)
    if figure == "pipeline":
        stage = params.choice(request.GET, "stage", Opportunity.Stage.values, "identified")
        return revenue_rows.pipeline_rows(clients, stage, on - rv.YEAR)
    if figure == "funnel":
        stage = params.choice(request.GET, "stage", [s.value for s in rn.FUNNEL], LifecycleStage.ONBOARDING)
        return revenue_rows.funnel_rows(clients, stage, on)
    month = rv.parse_month(params.text(request.GET, "month", on.strftime("%Y-%m")), on)
    if month is None:
        raise params.BadParameter(_("month must be a past or the current month, like 2026-05."))
    builders = {
        "mrr": revenue_rows.mrr_rows,
        "events": revenue_rows.event_rows,
        "nrr": lambda c, m: revenue_rows.retention_rows(c, m, gross=False),
        "grr": lambda c, m: revenue_rows.retention_rows(c, m, gross=True),
        "churn": revenue_rows.churn_rows,
        "clv": revenue_rows.clv_rows,
        "margin": revenue_rows.margin_rows,
        "nps": revenue_rows.nps_rows,
    }
    return builders[figure](clients, month)


def _cell(i: int) -> Callable[[list], Any]:
    """A column's value to sort by: the client by name, text whatever its case, numbers before
    text (a risk score before "not assessed")."""

    def value(cells: list) -> Any:
        v = cells[0][1] if i == 0 else cells[i]
        return None if v is None else (1, v.lower()) if isinstance(v, str) else (0, v)

    return value


@require_GET
def revenue_figure_rows(request: HttpRequest) -> HttpResponse:
    rows = _rows_for(request)
    keys, default = revenue_rows.SORTS[params.choice(request.GET, "figure", revenue_rows.FIGURES, "mrr")]
    columns: dict[str, Column] = {k.lstrip("-"): (_cell(i), k.startswith("-")) for i, k in enumerate(keys) if k}
    sort, cells = sorted_rows(request.GET, columns, default, rows.rows)
    page = Paginator(cells, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    headers = [(label, (k or "").lstrip("-")) for label, k in zip(rows.columns, keys, strict=True)]
    context = {"rows": rows, "page": page, "query": query.urlencode(), "headers": headers}
    context |= {"sort": sort.current, "sort_descending": sort.descending}
    return render(request, template_for(request, ROWS_PAGE, frozenset({"revenue-rows-table"})), context)


@require_GET
def revenue_rows_export(request: HttpRequest) -> HttpResponse:
    rows = _rows_for(request)
    figure = request.GET.get("figure", "rows")
    body = ([cells[0][1], *cells[1:]] for cells in rows.rows)
    return csv_response(f"revenue-{figure}-rows.csv", rows.columns, body)


# --- pipelines on the person and pod pages ------------------------------------------------------


@require_GET
def person_pipeline(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.filter(people_scope(request.user)), pk=pk)
    opportunities = Opportunity.objects.visible_to(request.user).filter(owner=person)
    context = {"pipeline": rn.pipeline_of(opportunities), "whose": person, "region": "person-pipeline"}
    return render(request, "godview/_pipeline.html", context)


@require_GET
def pod_pipeline(request: HttpRequest, pk: int) -> HttpResponse:
    pod = get_object_or_404(visible_pods(request.user), pk=pk)
    opportunities = Opportunity.objects.visible_to(request.user).filter(client__account_manager__pod=pod)
    context = {"pipeline": rn.pipeline_of(opportunities), "whose": pod, "region": "pod-pipeline"}
    return render(request, "godview/_pipeline.html", context)
