"""The health lab (`/lab/`, screen 11), for leadership: does each warning catch the churns, how
early, and how often does it cry wolf. Everyone else gets 404."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clients.models import Client
from core import params
from core.csv_export import csv_response
from core.numbers import percent_text
from godview import charts
from godview.lab import ANY, HORIZONS, Period
from godview.lab_selectors import KINDS, SIGNALS, client_names, default_period, entries, lab_figures

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


def _rows(figures: dict, period: Period) -> list[dict]:
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
            }
        )
    return rows


@require_GET
def lab(request: HttpRequest) -> HttpResponse:
    _leadership(request)
    period = _period(request)
    figures = lab_figures(Client.objects.visible_to(request.user), period)
    anyone = figures[ANY]
    figure, table = charts.lead_time_distribution(
        {h: [c.lead_days for c in anyone.horizons[h].caught] for h in HORIZONS}
    )
    context = {
        "period": period,
        "rows": _rows(figures, period),
        "horizons": HORIZONS,
        "lead_figure": figure,
        "lead_table": table,
        "export_query": urlencode({"start": period.start, "end": period.end}),
    }
    return render(request, "godview/lab.html", context)


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
            len(at.flags),
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
    figures = lab_figures(Client.objects.visible_to(request.user), period)[signal]
    page = Paginator(entries(figures, horizon, kind), 50).get_page(request.GET.get("page"))
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
        "query": urlencode(
            {"signal": signal, "horizon": horizon, "kind": kind, "start": period.start, "end": period.end}
        ),
    }
    return render(request, "godview/lab_clients.html", context)
