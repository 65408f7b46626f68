"""`/churn/` (screen 9) and the revolving door region, for leadership and pod leads (their pod).
Everyone else gets 404, as does a pod or person out of the user's scope named in the URL."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import Pod, Role, User
from accounts.permissions import people_scope
from clients.models import ChurnReason, Client, Tier
from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.sorting import kept, ordering
from core.weeks import today
from godview import charts, churn, revolving_door
from godview.churn import Period

CHURN_PAGE = 25
ROWS_PAGE = 50
CHURN_COLUMNS = {  # core.sorting: the newest churn first is the list's own order
    "churned": ("-churned_on", "name"),
    "client": ("name",),
    "reason": ("churn_reason", "name"),  # by the reason's code: each reason's clients together
    "lost": ("-lost_mrr", "name"),
    "am": ("account_manager__first_name", "account_manager__last_name", "name"),
    "pod": ("account_manager__pod__name", "name"),
    "risk": ("last_risk_score", "name"),
}
DOOR_CLIENT_COLUMNS = {
    "client": ("name",),
    "start": ("started_on", "name"),
    "churned": ("churned_on", "name"),
    "reason": ("churn_reason", "name"),
    "am": ("account_manager__first_name", "account_manager__last_name", "name"),
    "mrr": ("-mrr", "name"),
}
DOOR_EVENT_COLUMNS = {
    "client": ("client__name", "occurred_on"),
    "date": ("occurred_on", "client__name"),
    "kind": ("kind", "occurred_on"),
    "amount": ("-amount", "occurred_on"),
}


def leads_pods(request: HttpRequest) -> list[Pod]:
    """The pods the user answers for: all for leadership, their own for a pod lead; else 404."""
    user = request.user
    if user.sees_everything:
        return list(Pod.objects.all())
    if user.role == Role.POD_LEAD and user.pod_id is not None:
        return [user.pod]
    raise Http404


def chosen_pod(request: HttpRequest, pods: list[Pod]) -> int | None:
    """`?pod=`: one of the user's pods (another is 404, a non-number 400); a pod lead's own pod
    whatever they send."""
    raw = params.text(request.GET, "pod").strip()
    if not raw:
        return None if request.user.sees_everything else pods[0].pk
    if not raw.isdigit():
        raise params.BadParameter(_("pod must be a pod's number."))
    if int(raw) not in {p.pk for p in pods}:
        raise Http404
    return int(raw)


def chosen_period(request: HttpRequest, default: Period) -> Period:
    start = params.day(request.GET, "start", default.start)
    end = params.day(request.GET, "end", default.end)
    if start > end:
        raise params.BadParameter(_("start must be on or before end."))
    return Period(start, end)


def scoped(request: HttpRequest, pods: list[Pod]) -> tuple[QuerySet[Client], dict]:
    """The user's clients narrowed by `pod`, `tier` and `am`, and those filters as a query."""
    clients = Client.objects.visible_to(request.user)
    query: dict = {}
    pod = chosen_pod(request, pods)
    if pod is not None:
        clients, query["pod"] = clients.filter(account_manager__pod_id=pod), pod
    tier = params.text(request.GET, "tier")
    if tier:  # the tiers are read only when one is asked for
        params.choice(request.GET, "tier", list(Tier.objects.values_list("code", flat=True)))
        clients, query["tier"] = clients.filter(tier__code=tier), tier
    am = params.text(request.GET, "am").strip()
    if am:
        if not am.isdigit():
            raise params.BadParameter(_("am must be a person's number."))
        if not User.objects.filter(people_scope(request.user), pk=int(am)).exists():
            raise Http404
        clients, query["am"] = clients.filter(account_manager_id=int(am)), int(am)
    return clients, query


# --- /churn/ -------------------------------------------------------------------------------


def _churn_inputs(request: HttpRequest) -> tuple[list[Pod], int | None, Period, str, QuerySet]:
    pods = leads_pods(request)
    pod = chosen_pod(request, pods)
    period = chosen_period(request, churn.default_period(today()))
    reason = params.choice(request.GET, "reason", ChurnReason.values)
    clients = Client.objects.visible_to(request.user)
    return pods, pod, period, reason, churn.churned(clients, period, pod=pod, reason=reason)


def _churn_query(period: Period, pod: int | None, reason: str, **overrides) -> str:
    values = {"start": period.start, "end": period.end, "pod": pod or "", "reason": reason} | overrides
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@require_GET
def churn_analysis(request: HttpRequest) -> HttpResponse:
    pods, pod, period, reason, rows = _churn_inputs(request)
    sort = ordering(request.GET, CHURN_COLUMNS, "churned")
    totals = churn.totals(rows, period)
    page = Paginator(churn.churn_list(rows).order_by(*sort.order), CHURN_PAGE).get_page(request.GET.get("page"))
    fired = churn.signals_before(page.object_list)
    history = churn.history_starts() if page.object_list else None
    for client in page.object_list:
        client.fired = fired.get(client.pk, [])
        client.no_history = history is None or client.churned_on <= history
        client.tenure = churn.tenure_months(client.started_on, client.churned_on)
    for row in totals.by_reason:
        row["link"] = _churn_query(period, pod, row["churn_reason"])
    for row in totals.by_pod:
        row["link"] = _churn_query(period, row["account_manager__pod_id"] or "", reason)
    for row in totals.by_month:
        first, last = max(row["month"], period.start), min(churn.month_end(row["month"]), period.end)
        row["link"] = _churn_query(period, pod, reason, start=first, end=last)
    figure, table = charts.lost_mrr_by_month(
        [(r["month"], r["clients"], r["lost"]) for r in totals.by_month],
        [f"{reverse('churn')}?{r['link']}#churned-clients" for r in totals.by_month],
    )
    query = _churn_query(period, pod, reason, **kept(request.GET))
    context = {
        "sort": sort.current,
        "sort_descending": sort.descending,
        "period": period,
        "pods": pods,
        "pod": pod,
        "reason": reason,
        "reasons": ChurnReason.choices,
        "totals": totals,
        "page": page,
        "query": query,
        "unfiltered": _churn_query(period, pod if not request.user.sees_everything else None, ""),
        "chart": figure,
        "chart_table": table,
        "door_query": urlencode({"start": period.start, "end": period.end, **({"pod": pod} if pod else {})}),
        "lookback": churn.LOOKBACK_DAYS,
        "history": history,
    }
    return render(request, template_for(request, "godview/churn.html", frozenset({"churned-clients"})), context)


CHURN_TABLES = ("clients", "reasons", "pods", "months")


@require_GET
def churn_export(request: HttpRequest) -> HttpResponse:
    """`?table=clients|reasons|pods|months` with the page's filters."""
    table = params.choice(request.GET, "table", CHURN_TABLES, "clients")
    _pods, _pod, period, _reason, rows = _churn_inputs(request)
    name = f"churn-{table}-{period.start}-{period.end}.csv"
    if table == "clients":
        clients = list(churn.churn_list(rows))
        fired = churn.signals_before(clients)
        header = [
            _("client"),
            _("churned on"),
            _("reason"),
            _("lost mrr"),
            _("started on"),
            _("tenure months"),
            _("account manager"),
            _("pod"),
            _("last risk score"),
            _("fired in the %(days)s days before (days)") % {"days": churn.LOOKBACK_DAYS},
        ]
        lines = (
            [c.name, c.churned_on, c.get_churn_reason_display(), c.lost_mrr, c.started_on,
             churn.tenure_months(c.started_on, c.churned_on), str(c.account_manager or ""),
             c.account_manager.pod.name if c.account_manager and c.account_manager.pod else "",
             c.last_risk_score or "", "; ".join(f"{f.label} ({f.days})" for f in fired.get(c.pk, []))]
            for c in clients
        )  # fmt: skip
        return csv_response(name, header, lines)
    totals = churn.totals(rows, period)
    if table == "reasons":
        lines = ([r["label"], r["clients"], r["lost"]] for r in totals.by_reason)
        return csv_response(name, [_("reason"), _("clients"), _("lost mrr")], lines)
    if table == "pods":
        lines = ([r["account_manager__pod__name"] or _("No pod"), r["clients"], r["lost"]] for r in totals.by_pod)
        return csv_response(name, [_("pod"), _("clients"), _("lost mrr")], lines)
    lines = ([r["month"].strftime("%Y-%m"), r["clients"], r["lost"]] for r in totals.by_month)
    return csv_response(name, [_("month"), _("clients"), _("lost mrr")], lines)


# --- the revolving door --------------------------------------------------------------------


def _door_inputs(request: HttpRequest) -> tuple[QuerySet[Client], dict, Period]:
    pods = leads_pods(request)
    clients, query = scoped(request, pods)
    return clients, query, chosen_period(request, churn.default_period(today()))


@require_GET
def revolving_door_region(request: HttpRequest) -> HttpResponse:
    """The region (a fragment, for a lazy `hx-get`) or, with `format=csv`, its months."""
    clients, query, period = _door_inputs(request)
    context = revolving_door.door_context(clients, period, query)
    if request.GET.get("format") == "csv":
        header = [
            _("month"),
            _("new clients"),
            _("lost clients"),
            _("net clients"),
            _("mrr added"),
            _("mrr lost"),
            _("net mrr"),
        ]
        lines = (
            [r["m"].month.strftime("%Y-%m"), r["m"].new, r["m"].lost, r["m"].net_clients, r["m"].mrr_added,
             r["m"].mrr_lost, r["m"].net_mrr]
            for r in context["door_rows"]
        )  # fmt: skip
        return csv_response(f"revolving-door-{period.start}-{period.end}.csv", header, lines)
    return render(request, "godview/partials/revolving_door.html", context)


DOOR_TITLES = {
    "new": gettext_lazy("New clients"),
    "lost": gettext_lazy("Lost clients"),
    "mrr_added": gettext_lazy("MRR added (new and expansion)"),
    "mrr_lost": gettext_lazy("MRR lost (contraction and churn)"),
}


@require_GET
def revolving_door_rows(request: HttpRequest) -> HttpResponse:
    """The rows behind one figure of the revolving door: `?kind=` within start–end and the scope."""
    kind = params.choice(request.GET, "kind", revolving_door.KINDS, "new")
    clients, query, period = _door_inputs(request)
    columns = DOOR_CLIENT_COLUMNS if kind in ("new", "lost") else DOOR_EVENT_COLUMNS
    sort = ordering(request.GET, columns, {"new": "start", "lost": "churned"}.get(kind, "date"))
    rows = revolving_door.door_rows(clients, kind, period)
    if request.GET.get("format") == "csv":
        if kind in ("new", "lost"):
            header = [_("client"), _("started on"), _("churned on"), _("reason"), _("account manager"), _("mrr")]
            lines = ([c.name, c.started_on, c.churned_on or "", c.get_churn_reason_display(),
                      str(c.account_manager or ""), c.mrr] for c in rows.iterator(chunk_size=500))  # fmt: skip
        else:
            header = [_("client"), _("date"), _("kind"), _("amount"), _("note")]
            lines = ([e.client.name, e.occurred_on, e.get_kind_display(), e.amount, e.note]
                     for e in rows.iterator(chunk_size=500))  # fmt: skip
        return csv_response(f"revolving-door-{kind}-{period.start}-{period.end}.csv", header, lines)
    page = Paginator(rows.order_by(*sort.order), ROWS_PAGE).get_page(request.GET.get("page"))
    context = {
        "kind": kind,
        "title": DOOR_TITLES[kind],
        "period": period,
        "page": page,
        "query": urlencode({**query, "kind": kind, "start": period.start, "end": period.end, **kept(request.GET)}),
        "today": today(),
        "sort": sort.current,
        "sort_descending": sort.descending,
    }
    return render(request, template_for(request, "godview/revolving_door_rows.html", frozenset({"door-rows"})), context)
