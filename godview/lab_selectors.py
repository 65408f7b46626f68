"""The health lab's reads: the signal runs and churn dates of a period, through the pure backtest.

Two queries whatever the period: the runs that can matter (those reaching the 90 days before the
period's start or later, and starting by its end: a run that catches a churn of the period ends
in that window) and the churn dates of the period's clients.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from clients.models import Client
from core.weeks import today
from godview.lab import ANY, HORIZONS, Period, Run, SignalFigures, backtest
from godview.models import SIGNAL_CHOICES, SignalRun

SIGNALS = dict([*SIGNAL_CHOICES, (ANY, _("Any signal"))])
KINDS = {
    "caught": _("Caught churns"),
    "missed": _("Missed churns"),
    "true_flags": _("True flags"),
    "flags": _("Flags counted"),
    "false_alarms": _("False alarms"),
}
LAB_MONTHS = 24


@dataclass(frozen=True)
class Entry:
    """One client behind a figure: the day that counts (churn or flag) and a lead time."""

    client_id: int
    day: dt.date
    lead_days: int | None = None


def default_period(on: dt.date | None = None) -> Period:
    """The last 24 months up to yesterday, the last day the nightly rollup has figures for."""
    end = (on or today()) - dt.timedelta(days=1)
    try:
        start = end.replace(year=end.year - LAB_MONTHS // 12)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - LAB_MONTHS // 12, day=28)
    return Period(start, end)


def lab_figures(clients, period: Period) -> dict[str, SignalFigures]:
    """Every signal's figures over the period for the clients of `clients` (a queryset in scope)."""
    reach = period.start - dt.timedelta(days=max(HORIZONS))
    runs = SignalRun.objects.filter(client__in=clients, last_day__gte=reach, first_day__lte=period.end)
    churns = clients.filter(churned_on__gte=period.start, churned_on__lte=period.end)
    return backtest(
        (Run(*row) for row in runs.values_list("client_id", "signal", "first_day", "last_day").iterator()),
        churns.values_list("pk", "churned_on"),
        period,
        SIGNALS,
    )


def entries(figures: SignalFigures, horizon: int, kind: str) -> list[Entry]:
    """The clients behind one figure, oldest day first."""
    if kind == "false_alarms":
        return [Entry(f.client_id, f.day) for f in figures.false_alarms]
    chosen = getattr(figures.horizons[horizon], kind)
    if kind in ("caught", "missed"):
        return [Entry(c.client_id, c.churned_on, c.lead_days) for c in chosen]
    return [Entry(f.client_id, f.day) for f in chosen]


def client_names(ids: set[int]) -> dict[int, str]:
    return dict(Client.objects.filter(pk__in=ids).values_list("pk", "name"))
