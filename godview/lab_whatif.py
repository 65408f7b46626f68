"""The health lab's what-if (DESIGN, "Health lab"): an early-warning rule's figures at another
threshold, recomputed from the stored daily figures (`DailySnapshot`, which keeps every rule's
input of the night), beside the current threshold's.

Each rule's test of `clients/warnings.py` is written once more here as a filter on the snapshot
rows; the database joins the firing days into runs (gaps and islands), so what comes back is as
small as the signal history itself, and the pure backtest does the rest. A test re-runs the
rollup with the new threshold and finds the same figures.

Known limits, said on the page: a client's tier and hours budget are today's (the snapshots do
not keep them), and the goal hit rate reads a client's days as one unbroken span from its first
to its last active snapshot (the nightly run misses no day).
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from clients.models import DailySnapshot, Tier, WarningRule
from clients.warnings import OVERDUE_DAYS
from core.models import AuditEntry
from core.weeks import week_start
from godview.lab import HORIZONS, Period, SignalFigures, backtest

Code = WarningRule.Code
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Knob:
    """What a rule's threshold means, for the form: its unit and the values it may take."""

    label: str
    minimum: Decimal
    maximum: Decimal
    step: str = "1"


KNOBS: dict[str, Knob] = {
    Code.RISK_SCORE: Knob(_("risk score at or below"), Decimal(1), Decimal(4)),
    Code.STALE_CONTACT: Knob(_("days without contact, per tier"), Decimal(1), Decimal(365)),
    Code.GOAL_HIT_RATE: Knob(_("hit rate floor (%)"), Decimal(1), Decimal(100)),
    Code.OBJECTIVE_BEHIND: Knob(_("points behind pace"), Decimal(0), Decimal(100)),
    Code.OVERDUE_TASKS: Knob(_("overdue tasks, at least"), Decimal(1), Decimal(1000)),
    Code.RISK_NOT_REASSESSED: Knob(_("days since the last assessment"), Decimal(1), Decimal(730)),
    Code.HEALTH_MISMATCH: Knob(_("points apart, at least"), Decimal(1), Decimal(3)),
    Code.NPS_DETRACTOR: Knob(_("days since a detractor, at most"), Decimal(1), Decimal(365)),
    Code.WAITING_ON_CLIENT: Knob(_("business days beyond the agreement"), Decimal(0), Decimal(250)),
    Code.HOURS_OVER_BUDGET: Knob(_("times the hours budget"), Decimal("0.1"), Decimal(10), "0.1"),
    Code.TASK_SLIPS: Knob(_("slipped tasks in four weeks, at least"), Decimal(1), Decimal(1000)),
    Code.OFF_CADENCE: Knob(_("days of grace beyond the tier's cadence"), Decimal(0), Decimal(365)),
    Code.NO_OBJECTIVE_GOAL: Knob(_("weekday this week's goals are judged from (1 = Monday)"), Decimal(1), Decimal(7)),
    Code.RENEWAL_DUE: Knob(_("days before the notice period starts"), Decimal(0), Decimal(365)),
}


@dataclass(frozen=True)
class Threshold:
    """A rule's threshold: one value, or for stale contact one number of days per tier id."""

    value: Decimal | None = None
    per_tier: tuple[tuple[int, str, int], ...] = ()  # (tier id, tier name, days)

    def text(self) -> str:
        if self.per_tier:
            return ", ".join(f"{name} {days}" for _pk, name, days in self.per_tier)
        return f"{self.value.normalize():f}" if self.value is not None else ""


def current(code: str) -> Threshold:
    """The threshold the nightly run uses today (one query)."""
    if code == Code.STALE_CONTACT:
        tiers = Tier.objects.order_by("-is_premium", "name", "pk").values_list("pk", "name", "stale_contact_days")
        return Threshold(per_tier=tuple(tiers))
    rule = WarningRule.objects.filter(code=code).values_list("threshold", flat=True).first()
    return Threshold(value=rule)


# --- each rule's test on the stored figures -------------------------------------------------


def _hours_rule(t: Decimal) -> Q:
    budget = ExpressionWrapper(F("client__monthly_hours_budget") * t, output_field=DecimalField())
    floor = ExpressionWrapper(F("hours_30_days") * settings.EFFECTIVE_RATE_FLOOR, output_field=DecimalField())
    over = Q(client__monthly_hours_budget__gt=0, hours_30_days__gt=budget)
    return over | Q(hours_30_days__gt=0, mrr__lt=floor)


def firing_filter(code: str, threshold: Threshold) -> Q:
    """The snapshot rows on which the rule fires at `threshold`, as clients/warnings.py decides
    (the figures are whole numbers where a rule compares whole numbers: a threshold of 2.5 overdue
    tasks is 3)."""
    t = threshold.value
    if code == Code.STALE_CONTACT:
        stale = Q(days_since_contact__isnull=True)
        for tier_id, _name, days in threshold.per_tier:
            stale |= Q(client__tier_id=tier_id, days_since_contact__gt=days)
        return stale
    tests = {
        Code.RISK_SCORE: lambda: Q(risk_score__lte=math.floor(t)),
        Code.OBJECTIVE_BEHIND: lambda: Q(objective_gap__gt=float(t)),
        Code.OVERDUE_TASKS: lambda: (
            Q(overdue_tasks__gt=0) & (Q(overdue_tasks__gte=math.ceil(t)) | Q(max_days_overdue__gt=OVERDUE_DAYS))
        ),
        Code.RISK_NOT_REASSESSED: lambda: (
            Q(days_since_risk_assessment__isnull=True) | Q(days_since_risk_assessment__gte=math.ceil(t))
        ),
        Code.HEALTH_MISMATCH: lambda: (
            Q(health_score__gte=F("risk_score") + math.ceil(t)) | Q(risk_score__gte=F("health_score") + math.ceil(t))
        ),
        Code.NPS_DETRACTOR: lambda: Q(days_since_detractor__lte=math.floor(t)),
        Code.WAITING_ON_CLIENT: lambda: Q(wait_beyond_agreement__gt=int(t)),
        Code.HOURS_OVER_BUDGET: lambda: _hours_rule(t),
        Code.TASK_SLIPS: lambda: Q(slipped_tasks__gte=math.ceil(t)),
        Code.OFF_CADENCE: lambda: Q(cadence_gap__gt=int(t)),
        Code.NO_OBJECTIVE_GOAL: lambda: (
            Q(date__iso_week_day__gte=int(t), tied_goals_this_week=0)
            | Q(date__iso_week_day__lt=int(t), tied_goals_last_week=0)
        ),
        Code.RENEWAL_DUE: lambda: Q(risk_score__lte=2, renewal_slack__lte=int(t)),
    }
    return tests[code]()


WORK_MEM = "64MB"  # bench/lab.py: 4.4 → 3.5 s of Postgres CPU at 10,000 clients for a rule firing on 56% of days
ISLANDS = {
    # The days of a run share `date - its rank among the client's firing days`.
    "postgresql": "date - (ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY date))::int",
    "sqlite": "julianday(date) - ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY date)",
}


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def runs_of_days(rows: QuerySet, signal: str) -> list[tuple[int, str, dt.date, dt.date]]:
    """The firing days of `rows` (snapshots) joined into runs by the database, one query."""
    sql, params = rows.order_by().values("client_id", "date").query.sql_with_params()
    island = ISLANDS.get(connection.vendor)
    if island is None:  # any other database: consecutive days joined here
        return _join_days(rows.order_by("client_id", "date").values_list("client_id", "date"), signal)
    query = (
        f"SELECT client_id, MIN(date), MAX(date) FROM (SELECT client_id, date, {island} AS island "
        f"FROM ({sql}) AS days) AS numbered GROUP BY client_id, island ORDER BY client_id, MIN(date)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the islands' hash and sort stay in memory at 10,000 clients
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(query, params)
        return [(pk, signal, _as_date(first), _as_date(last)) for pk, first, last in cursor.fetchall()]


def _join_days(days, signal: str) -> list[tuple[int, str, dt.date, dt.date]]:
    runs: list[tuple[int, str, dt.date, dt.date]] = []
    for pk, day in days:
        if runs and runs[-1][0] == pk and runs[-1][3] + ONE_DAY == day:
            runs[-1] = (pk, signal, runs[-1][2], day)
        else:
            runs.append((pk, signal, day, day))
    return runs


def goal_rate_runs(snapshots: QuerySet, floor: Decimal, since: dt.date) -> list[tuple[int, str, dt.date, dt.date]]:
    """Weekly goal hit rate under `floor`% two weeks running: the weeks come from the snapshots'
    goals due and hit on each day (a goal's deadline lies in its own week), the days a week
    fires on from each client's first to last active snapshot (two queries)."""
    limit = float(floor) / 100
    weeks: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    rows = snapshots.filter(date__gte=since - dt.timedelta(weeks=3), goals_due__gt=0)
    for pk, day, due, hit in rows.values_list("client_id", "date", "goals_due", "goals_hit").iterator():
        week = weeks[(pk, week_start(day))]
        week[0] += hit
        week[1] += due
    low = {key for key, (hit, due) in weeks.items() if due and not hit / due >= limit}
    spans = {
        row["client_id"]: (row["first"], row["last"])
        for row in snapshots.filter(date__gte=since)
        .values("client_id")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by()
    }
    runs = []
    for pk, monday in sorted(low):
        if (pk, monday + dt.timedelta(weeks=1)) not in low or pk not in spans:
            continue
        fires = monday + dt.timedelta(weeks=2)  # the week whose last two complete weeks were both low
        first, last = max(fires, spans[pk][0]), min(fires + dt.timedelta(days=6), spans[pk][1])
        if first > last:
            continue
        if runs and runs[-1][0] == pk and runs[-1][3] + ONE_DAY == first:  # the week after: one run
            runs[-1] = (pk, Code.GOAL_HIT_RATE.value, runs[-1][2], last)
        else:
            runs.append((pk, Code.GOAL_HIT_RATE.value, first, last))
    return runs


def recomputed_runs(clients: QuerySet, code: str, threshold: Threshold, period: Period) -> list[tuple]:
    """The rule's runs over the period (and the 90 days before it) at `threshold`."""
    reach = period.start - dt.timedelta(days=max(HORIZONS))
    snapshots = DailySnapshot.objects.filter(client__in=clients, is_active=True, date__lte=period.end)
    if code == Code.GOAL_HIT_RATE:
        return goal_rate_runs(snapshots, threshold.value, reach)
    return runs_of_days(snapshots.filter(date__gte=reach).filter(firing_filter(code, threshold)), code)


def whatif(clients: QuerySet, code: str, threshold: Threshold, period: Period) -> SignalFigures:
    churns = clients.filter(churned_on__gte=period.start, churned_on__lte=period.end).values_list("pk", "churned_on")
    return backtest(recomputed_runs(clients, code, threshold, period), list(churns), period, [code])[code]


# --- the days a threshold changed -----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    code: str
    on: dt.date
    before: str
    after: str
    what: str = ""  # the tier, for stale contact


def threshold_changes(period: Period) -> list[Change]:
    """Every change of a rule's threshold (and of a tier's stale-contact days) from the period's
    start until today, from the audit trail that admin's saves write (one query, three when there
    are some). Changes after the period's end count too: the nightly run re-judges up to 90 past
    days when late data arrives, with the threshold of that night."""
    entries = AuditEntry.objects.filter(at__date__gte=period.start).filter(
        Q(changes__has_key="threshold") | Q(changes__has_key="stale_contact_days")
    )
    entries = list(entries.order_by("at"))
    if not entries:
        return []
    rules = dict(WarningRule.objects.values_list("pk", "code"))
    tiers = {str(pk): name for pk, name in Tier.objects.values_list("pk", "name")}
    changes = []
    for entry in entries:
        if "threshold" in entry.changes and entry.object_id.isdigit() and int(entry.object_id) in rules:
            before, after = entry.changes["threshold"]
            changes.append(Change(rules[int(entry.object_id)], entry.at.date(), _plain(before), _plain(after)))
        elif "stale_contact_days" in entry.changes and entry.object_id in tiers:
            before, after = entry.changes["stale_contact_days"]
            changes.append(Change(Code.STALE_CONTACT, entry.at.date(), str(before), str(after), tiers[entry.object_id]))
    return changes


def _plain(value) -> str:
    """A stored threshold as typed: "3.00" → "3"."""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except ArithmeticError:
        return str(value)
