"""The health lab (`/lab/`, screen 11), for leadership: does each warning catch the churns, how
early, and how often does it cry wolf; and the what-if (`/lab/what-if/`), a rule's figures at
another threshold. Everyone else gets 404."""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clients.models import Client, WarningRule
from core import params
from core.csv_export import csv_response
from core.htmx import template_for
from core.numbers import percent_text
from godview import charts
from godview.lab import ANY, HORIZONS, Period
from godview.lab_selectors import (
    KINDS,
    SIGNALS,
    client_names,
    default_period,
    entries,
    lab_figures,
    missed_by_all,
    signal_figures,
)
from godview.lab_whatif import KNOBS, Threshold, current, threshold_changes, whatif

CSV_HEADER = [
    "signal",
    "horizon_days",
    "flags",
    "true_flags",
    "precision",
    "churned",
    "caught",
    "recall",
    "median_lead_days",
]


def _leadership(request: HttpRequest) -> None:
    if not request.user.sees_everything:
        raise Http404


def _period(request: HttpRequest) -> Period:
    default = default_period()
    start = params.day(request.GET, "start", default.start)
    end = params.day(request.GET, "end", default.end)
    if start > end:
        raise params.BadParameter(_("start must be on or before end."))
    return Period(start, end)


def _link(period: Period, signal: str, horizon: int, kind: str) -> str:
    query = {"signal": signal, "horizon": horizon, "kind": kind, "start": period.start, "end": period.end}
    return f"{reverse('lab_clients')}?{urlencode(query)}"


def _rows(figures: dict, period: Period, changes: list | None = None) -> list[dict]:
    changed = {c.code for c in changes or ()}
    rows = []
    for signal, f in figures.items():
        cells = []
        for h in HORIZONS:
            at = f.horizons[h]
            cells.append(
                {
                    "horizon": h,
                    "at": at,
                    "recall": percent_text(at.recall),
                    "precision": percent_text(at.precision),
                    "links": {kind: _link(period, signal, h, kind) for kind in ("caught", "missed", "true_flags")},
                    "flags_link": _link(period, signal, h, "flags"),
                }
            )
        rows.append(
            {
                "signal": signal,
                "label": SIGNALS[signal],
                "figures": f,
                "cells": cells,
                "false_alarms_link": _link(period, signal, 90, "false_alarms"),
                "changed": signal in changed,
            }
        )
    return rows


def _lab_context(request: HttpRequest, period: Period) -> dict:
    clients = Client.objects.visible_to(request.user)
    figures = lab_figures(clients, period)
    anyone = figures[ANY]
    figure, table = charts.lead_time_distribution(
        {h: [c.lead_days for c in anyone.horizons[h].caught] for h in HORIZONS},
        urlencode({"signal": ANY, "kind": "caught", "start": period.start, "end": period.end}),
    )
    changes = threshold_changes(period)
    missed = missed_by_all(anyone)
    names = client_names({c.client_id for c in missed[:10]}) if missed else {}
    return {
        "period": period,
        "rows": _rows(figures, period, changes),
        "changes": [(c, SIGNALS[c.code]) for c in changes],
        "horizons": HORIZONS,
        "lead_figure": figure,
        "lead_table": table,
        "missed": [(c, names.get(c.client_id, "")) for c in missed[:10]],
        "missed_count": len(missed),
        "missed_link": _link(period, ANY, 90, "missed"),
        "export_query": urlencode({"start": period.start, "end": period.end}),
        "whatif_rules": [(code, SIGNALS[code]) for code in KNOBS],
    }


@require_GET
def lab(request: HttpRequest) -> HttpResponse:
    _leadership(request)
    period = _period(request)
    context = _lab_context(request, period)
    context.update(_whatif_form(WarningRule.Code.OVERDUE_TASKS, current(WarningRule.Code.OVERDUE_TASKS)))
    return render(request, "godview/lab.html", context)


# --- the what-if ------------------------------------------------------------------------------


class WhatIfError(ValueError):
    pass


def _number(request: HttpRequest, name: str, knob, label: str) -> Decimal:
    raw = request.GET.get(name, "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise WhatIfError(_("%(what)s: type a number.") % {"what": label}) from None
    if not value.is_finite() or not knob.minimum <= value <= knob.maximum:
        raise WhatIfError(
            _("%(what)s: a number from %(low)s to %(high)s.")
            % {"what": label, "low": knob.minimum, "high": knob.maximum}
        )
    return value.quantize(Decimal("0.01"))


def _tried(request: HttpRequest, code: str, now: Threshold) -> Threshold:
    knob = KNOBS[code]
    if code == WarningRule.Code.STALE_CONTACT:
        return Threshold(
            per_tier=tuple(
                (pk, name, int(_number(request, f"tier_{pk}", knob, name).to_integral_value()))
                for pk, name, _days in now.per_tier
            )
        )
    return Threshold(value=_number(request, "value", knob, str(knob.label).capitalize()))


def _whatif_form(code: str, now: Threshold, tried: Threshold | None = None) -> dict:
    shown = tried or now
    return {
        "whatif_code": code,
        "whatif_knob": KNOBS[code],
        "whatif_value": shown.text() if not shown.per_tier else "",
        "whatif_tiers": shown.per_tier,
        "whatif_now": now.text(),
        "whatif_tried": tried.text() if tried else "",
    }


def _figure_row(label: str, figures) -> dict:
    return {
        "label": label,
        "flags": figures.flag_count,
        "false_alarms": figures.false_alarm_count,
        "cells": [
            {
                "at": figures.horizons[h],
                "recall": percent_text(figures.horizons[h].recall),
                "precision": percent_text(figures.horizons[h].precision),
            }
            for h in HORIZONS
        ],
    }


@require_GET
def lab_whatif(request: HttpRequest) -> HttpResponse:
    """A rule's figures at the threshold typed, recomputed from the stored daily figures, beside the
    current threshold's and the history as it fired. Without a value: the form for the rule."""
    _leadership(request)
    period = _period(request)
    code = params.choice(request.GET, "rule", list(KNOBS), WarningRule.Code.OVERDUE_TASKS)
    now = current(code)
    partial = template_for(request, "godview/lab.html", frozenset({"lab-whatif"}), default="lab-whatif")
    context = {} if partial != "godview/lab.html" else _lab_context(request, period)
    context.update({"period": period, "horizons": HORIZONS})
    context["whatif_rules"] = [(c, SIGNALS[c]) for c in KNOBS]
    if "value" not in request.GET and not any(key.startswith("tier_") for key in request.GET):
        context.update(_whatif_form(code, now))
        return render(request, partial, context)
    try:
        tried = _tried(request, code, now)
    except WhatIfError as error:
        context.update(_whatif_form(code, now))
        context["whatif_error"] = str(error)
        return render(request, partial, context, status=422)
    clients = Client.objects.visible_to(request.user)
    context.update(_whatif_form(code, now, tried))
    # The stored history is the current value's figures unless the threshold changed since the
    # period's start; then the current value is recomputed too (a second pass over the daily rows).
    changes = [c for c in threshold_changes(period) if c.code == code]
    rows = [_figure_row(_("Current (%(v)s), as it fired") % {"v": now.text()}, signal_figures(clients, period, code))]
    if changes:
        rows[0]["label"] = _("As it fired (mixed thresholds, see below)")
        rows.append(
            _figure_row(_("Current (%(v)s), recomputed") % {"v": now.text()}, whatif(clients, code, now, period))
        )
    rows.append(_figure_row(_("Tried (%(v)s), recomputed") % {"v": tried.text()}, whatif(clients, code, tried, period)))
    context["whatif_rows"] = rows
    context["whatif_changes"] = changes
    context["whatif_admin"] = (
        reverse("admin:clients_tier_changelist")
        if code == WarningRule.Code.STALE_CONTACT
        else reverse("admin:clients_warningrule_changelist")
    )
    return render(request, partial, context)


@require_GET
def lab_export(request: HttpRequest) -> HttpResponse:
    _leadership(request)
    period = _period(request)
    figures = lab_figures(Client.objects.visible_to(request.user), period)

    def ratio(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    rows = (
        [
            signal,
            h,
            at.flag_count,
            len(at.true_flags),
            ratio(at.precision),
            len(at.churned),
            len(at.caught),
            ratio(at.recall),
            "" if at.median_lead_days is None else at.median_lead_days,
        ]
        for signal, f in figures.items()
        for h, at in f.horizons.items()
    )
    return csv_response(f"health-lab-{period.start}-{period.end}.csv", CSV_HEADER, rows)


@require_GET
def lab_clients(request: HttpRequest) -> HttpResponse:
    """The clients behind one figure of the lab: `?signal=&horizon=&kind=` within the period."""
    _leadership(request)
    period = _period(request)
    signal = params.choice(request.GET, "signal", list(SIGNALS), ANY)
    horizon = int(params.choice(request.GET, "horizon", [str(h) for h in HORIZONS], "90"))
    kind = params.choice(request.GET, "kind", list(KINDS), "caught")
    buckets = {charts.lead_bucket(b): b for b in charts.LEAD_BUCKETS}
    lead = params.choice(request.GET, "lead", list(buckets))
    figures = lab_figures(Client.objects.visible_to(request.user), period)[signal]
    rows = entries(figures, horizon, kind)
    if lead:  # one bar of the lead-time chart: the caught churns flagged that many days ahead
        low, high = buckets[lead]
        rows = [
            e for e in rows if e.lead_days is not None and low <= e.lead_days and (high is None or e.lead_days <= high)
        ]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    names = client_names({e.client_id for e in page})
    context = {
        "period": period,
        "signal_label": SIGNALS[signal],
        "kind_label": KINDS[kind],
        "horizon": horizon,
        "kind": kind,
        "page": page,
        "rows": [(e, names.get(e.client_id, "")) for e in page],
        "back": f"{reverse('lab')}?{urlencode({'start': period.start, 'end': period.end})}",
        "lead": charts.lead_label(buckets[lead]) if lead else "",
        "query": urlencode(
            {"signal": signal, "horizon": horizon, "kind": kind, "start": period.start, "end": period.end}
            | ({"lead": lead} if lead else {})
        ),
    }
    return render(request, "godview/lab_clients.html", context)
