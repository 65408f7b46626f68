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
from godview.lab import ANY, HORIZONS, Churn, Period, SignalFigures, backtest, lead_days
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


def lab_figures(clients, period: Period, signals=None) -> dict[str, SignalFigures]:
    """Every signal's figures over the period for the clients of `clients` (a queryset in scope),
    or only those of `signals` (then "any" joins only theirs)."""
    reach = period.start - dt.timedelta(days=max(HORIZONS))
    runs = SignalRun.objects.filter(client__in=clients, last_day__gte=reach, first_day__lte=period.end)
    if signals is not None:
        runs = runs.filter(signal__in=list(signals))
    churns = clients.filter(churned_on__gte=period.start, churned_on__lte=period.end)
    # In index order, so each signal's runs come sorted per client (the backtest's sort is then linear).
    rows = runs.order_by("client_id", "signal", "first_day").values_list("client_id", "signal", "first_day", "last_day")
    return backtest(
        rows.iterator(chunk_size=20_000),
        churns.values_list("pk", "churned_on"),
        period,
        SIGNALS if signals is None else signals,
    )


def signal_figures(clients, period: Period, signal: str) -> SignalFigures:
    """One signal's figures as its history fired (two queries)."""
    return lab_figures(clients, period, [signal])[signal]


def missed_by_all(anyone: SignalFigures) -> list[Churn]:
    """The churns of the period that no signal caught, even 90 days ahead; the latest first."""
    return sorted(anyone.horizons[max(HORIZONS)].missed, key=lambda c: (c.churned_on, c.client_id), reverse=True)


@dataclass(frozen=True)
class BeforeChurn:
    """A signal that fired in the 90 days before a client's churn, and how early (DESIGN's lead time)."""

    signal: str
    label: str
    first_day: dt.date
    last_day: dt.date
    lead_days: int


def before_churn(client: Client) -> list[BeforeChurn]:
    """What fired in the 90 days before the client churned, the earliest warning first (one query;
    none for a client that has not churned)."""
    if client.churned_on is None:
        return []
    horizon = max(HORIZONS)
    churned_on = client.churned_on
    runs: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for signal, first, last in (
        SignalRun.objects.filter(
            client=client, first_day__lt=churned_on, last_day__gte=churned_on - dt.timedelta(days=horizon)
        )
        .order_by("signal", "first_day")
        .values_list("signal", "first_day", "last_day")
    ):
        runs.setdefault(signal, []).append((first, last))
    found = []
    for signal, intervals in runs.items():
        lead = lead_days(intervals, churned_on, horizon)
        if lead is not None:
            last = intervals[-1]
            found.append(BeforeChurn(signal, SIGNALS.get(signal, signal), last[0], last[1], lead))
    return sorted(found, key=lambda b: (-b.lead_days, b.signal))


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
