"""The AM workspace screens that show the health signal, which counts overdue tasks: My clients,
the client action panel and the risk form's health note. The rest of the workspace (the forms and
every write) is `clients.views`."""

import datetime as dt

from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.permissions import can_act_on
from clients import views as client_views
from clients import workspace_selectors as ws
from clients.action_selectors import today_list
from clients.action_views import VERBS
from clients.models import Client, WarningRule
from clients.scoring import health_signal
from clients.selectors import clients_with_signals
from core.csv_export import csv_response
from core.htmx import wants_partial
from core.weeks import today, week_start
from godview import client_health

PANEL_REGIONS = frozenset(
    {
        "panel-summary",
        "panel-goals",
        "panel-risk",
        "panel-contacts",
        "panel-objectives",
        "panel-tactics",
        "panel-waiting",
    }
)


def signals(client: Client) -> dict:
    """The computed health signal and the current risk, shown side by side (six queries)."""
    return {
        "health": client_health.health_for(client),
        "current_risk": client.risk_assessments.order_by("-assessed_at", "-pk").first(),
    }


def client_rows(user: User, on: dt.date | None = None) -> list[ws.ClientRow]:
    """My clients in priority order, each with its reasons (six queries in all)."""
    on = on or today()
    rule = WarningRule.objects.filter(code=WarningRule.Code.RISK_NOT_REASSESSED, enabled=True)
    clients = list(
        clients_with_signals(ws.my_clients(user)).annotate(reassess_after=Subquery(rule.values("threshold")[:1]))
    )
    inputs = client_health.health_inputs(clients, on)
    counts = ws.week_counts([c.pk for c in clients], week_start(on))
    rows = []
    for client in clients:
        signal = health_signal(inputs[client.pk])
        done, total = counts.get(client.pk, (0, 0))
        rows.append(
            ws.ClientRow(
                client=client,
                inputs=inputs[client.pk],
                signal=signal,
                badges=ws.why_badges(client, inputs[client.pk], signal, on),
                week_done=done,
                week_total=total,
                priority=ws.priority_key(client, inputs[client.pk]),
            )
        )
    return sorted(rows, key=lambda row: row.priority)


@require_GET
def client_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    """The client action panel: a fragment for the drill-down page, a page on its own otherwise."""
    client = client_views.visible_client(request.user, pk)
    context = client_views.panel_context(request, client, signals(client))
    context["embedded"] = request.GET.get("embedded") == "1"  # inside the client page: no second header
    if wants_partial(request):
        target = request.htmx.target
        return render(request, f"{client_views.PANEL}#{target if target in PANEL_REGIONS else 'panel'}", context)
    return render(request, client_views.PANEL, context)


@require_GET
def my_clients(request: HttpRequest) -> HttpResponse:
    rows = client_rows(request.user)
    if request.GET.get("format") == "csv":
        return _my_clients_csv(rows)
    context = {
        "rows": rows,
        "today": today(),
        "at_risk": sum(1 for r in rows if (r.client.current_risk_score or 5) <= 2),
        "stale": sum(
            1
            for r in rows
            if r.inputs.days_since_contact is None or r.inputs.days_since_contact > r.inputs.stale_after_days
        ),
        "week_done": sum(r.week_done for r in rows),
        "week_total": sum(r.week_total for r in rows),
        "this_week": week_start(today()),
        "people": ws.win_loss_by_person(ws.my_clients(request.user)),
    }
    if wants_partial(request) and request.htmx.target in ("client-list", "my-kpis"):
        return render(request, f"clients/my_clients.html#{request.htmx.target}", context)
    context["today_rows"] = _today(request.user)  # the page only: the list partial does without
    return render(request, "clients/my_clients.html", context)


def _today(user: User) -> list:
    """The Today list, each action with its done / snooze / drop buttons (three queries); each
    button's form is fetched when it is opened (at 36 open actions the forms' 250 widgets were
    40% of the page's time)."""
    rows = today_list(user)
    for row in rows:
        for action in row.actions:
            action.forms = dict.fromkeys(VERBS)
            action.can_act = can_act_on(user, row.client)
    return rows


def _my_clients_csv(rows: list[ws.ClientRow]) -> HttpResponse:
    header = [
        _("client"),
        _("tier"),
        _("mrr"),
        _("risk score"),
        _("health signal"),
        _("last contact"),
        _("goals done"),
        _("goals"),
        _("why"),
    ]
    return csv_response(
        "my-clients.csv",
        header,
        (
            [
                row.client.name,
                row.client.tier.name,
                row.client.mrr,
                row.client.current_risk_score,
                row.signal.score,
                row.client.last_contact_on,
                row.week_done,
                row.week_total,
                "; ".join(b.text for b in row.badges),
            ]
            for row in rows
        ),
    )


@require_GET
def client_health_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The risk form's note: the computed health signal beside the current risk, loaded by the form."""
    client = client_views.visible_client(request.user, pk)
    return render(request, f"{client_views.PANEL}#health-note", {"client": client, **signals(client)})
