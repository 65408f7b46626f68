"""The daily rollup: one `DailySnapshot` per client and day, and the early warnings of that day.

Set-based: each input is one aggregate query over all clients for the day (about fifteen in all,
whatever the client count); Python only assembles rows and scores. The job and the `rollup`
command share `rollup_day` / `rollup_range`.

What a snapshot of day D holds:
- stocks at the end of D: is_active, mrr, risk_score, health_score, days_since_contact,
  open_tasks, overdue_tasks (open and due before D), warnings (rules firing);
- flows during D: goals_due / goals_hit (goals whose deadline falls on D; hit = done by it),
  tasks_due / tasks_on_time (live tasks whose *original* due date is D, however it moved since;
  on time = completed by the end of D; on the next day every one of them is completed or past
  its deadline, so this is the on-time rate's window), hours (time logged on D);
- slipped_tasks: live tasks whose due date was moved later (or taken away) in the 28 days
  ending on D (one query on the due-date changes, which only moved tasks have).
Summing flows over a period's days gives the period's rates exactly.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, DecimalField, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncWeek

from clients.action_services import PLAY_WINDOW_DAYS, actions_wake, plays_start
from clients.models import (
    GOAL_HIT,
    Client,
    Contact,
    DailySnapshot,
    EarlyWarning,
    NPSResponse,
    Objective,
    RevenueEvent,
    RiskAssessment,
    WeeklyGoal,
    WeeklySnapshot,
    rebuild_goal_weeks,
    rebuild_snapshot_weeks,
    refresh_current_state,
)
from clients.scoring import HealthInputs, health_score
from clients.selectors import current_waits, waiting_business_days, waits_by_client
from clients.voice_inputs import Voice, voice_by_client
from clients.warnings import Firing, WarningInputs, WeekHits, evaluate, judged_week, load_rules
from core.cache import bump_rollup_version
from core.weeks import agency_tz, today, week_start
from godview.rollup_span import HEALTH_WEEKS, RangeInputs, day_bounds, renewals_by_client, tied_goals_by_client
from godview.signal_history import day_signals, record_day, record_days
from tasks.hours import refresh_months, refresh_person_weeks
from tasks.load import refresh_load
from tasks.models import DueDateChange, Task, TimeEntry
from tasks.selectors import SLIP_DAYS

log = logging.getLogger(__name__)
ZERO = Decimal("0")
CLIENT_CHUNK = 400  # clients whose range inputs (rollup_span) are held in memory together


@dataclass(frozen=True)
class RollupResult:
    date: dt.date
    snapshots: int
    fired: int
    resolved: int
    seconds: float


def _by_client(queryset, *fields: str) -> dict:
    rows = {}
    for row in queryset:
        pk = row.pop("client_id")
        rows[pk] = row if len(fields) != 1 else row[fields[0]]
    return rows


class DayInputs:
    """All inputs of one day, each a dict keyed by client id, one query each."""

    def __init__(
        self, day: dt.date, client_ids: list[int], objective_points: float | None = None, tied_from: Decimal = 2
    ):
        self.day = day
        start, end = day_bounds(day)
        monday = week_start(day)
        ids = client_ids

        self.mrr = _by_client(
            RevenueEvent.objects.filter(client_id__in=ids, occurred_on__lte=day)
            .values("client_id")
            .annotate(
                total=Sum("amount", filter=Q(kind__in=["new", "expansion"]), default=ZERO)
                - Sum("amount", filter=Q(kind__in=["contraction", "churn"]), default=ZERO)
            )
            .values("client_id", "total"),
            "total",
        )
        # As-of-day signals per client through correlated subqueries (each on a client index).
        risk = RiskAssessment.objects.filter(client=OuterRef("pk"), assessed_at__lt=end).order_by("-assessed_at", "-pk")
        nps = NPSResponse.objects.filter(client=OuterRef("pk"), responded_on__lte=day).order_by("-responded_on", "-pk")
        contact = Contact.objects.filter(client=OuterRef("pk"), contacted_on__lte=day).order_by("-contacted_on")
        self.risk, self.last_contact, self.nps = {}, {}, {}
        for row in (
            Client.objects.filter(pk__in=ids)
            .values("pk")
            .annotate(
                score=Subquery(risk.values("score")[:1]),
                assessed_at=Subquery(risk.values("assessed_at")[:1]),
                last=Subquery(contact.values("contacted_on")[:1]),
                nps=Subquery(nps.values("score")[:1]),
            )
        ):
            if row["score"] is not None:
                self.risk[row["pk"]] = row
            if row["last"] is not None:
                self.last_contact[row["pk"]] = row["last"]
            if row["nps"] is not None:
                self.nps[row["pk"]] = row["nps"]
        # Every detractor response of the last year, each with its own date (the rule picks within its window).
        self.detractors: dict[int, list[tuple[int, dt.date]]] = {}
        for client_id, score, on in NPSResponse.objects.filter(
            client_id__in=ids, responded_on__lte=day, responded_on__gt=day - dt.timedelta(days=365), score__lte=6
        ).values_list("client_id", "score", "responded_on"):
            self.detractors.setdefault(client_id, []).append((score, on))
        goals = WeeklyGoal.objects.counted().filter(client_id__in=ids)
        self.goals_today = _by_client(
            goals.filter(deadline__gte=start, deadline__lt=end)
            .values("client_id")
            .annotate(due=Count("pk"), hit=Count("pk", filter=GOAL_HIT))
            .values("client_id", "due", "hit")
        )
        # Weeks are keyed by week_start: a goal's deadline is fixed inside its own week.
        self.goal_weeks: dict[int, dict[dt.date, tuple[int, int]]] = {}
        for row in (
            goals.filter(week_start__gte=monday - dt.timedelta(weeks=HEALTH_WEEKS), week_start__lt=monday)
            .values("client_id", "week_start")
            .annotate(due=Count("pk"), hit=Count("pk", filter=GOAL_HIT))
        ):
            self.goal_weeks.setdefault(row["client_id"], {})[row["week_start"]] = (row["hit"], row["due"])
        health_days = (monday - dt.timedelta(weeks=HEALTH_WEEKS), monday - dt.timedelta(days=1))
        self.health_days = health_days
        self.waits = waits_by_client(ids, min(health_days[0], day - dt.timedelta(days=7)), day)

        live = Task.objects.filter(client_id__in=ids, deleted_at__isnull=True)
        # Fixed deadlines (DESIGN "On-time task rate"): a task counts on the day it was first due.
        self.tasks_today = _by_client(
            live.originally_due_on(day)
            .values("client_id")
            .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(completed_at__lt=end)))
            .values("client_id", "due", "on_time")
        )
        self.open_tasks = _by_client(
            live.filter(created_at_source__lt=end)
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=end))
            .values("client_id")
            .annotate(
                open=Count("pk"),
                overdue=Count("pk", filter=Q(due_on__lt=day)),
                oldest=Min("due_on", filter=Q(due_on__lt=day)),
            )
            .values("client_id", "open", "overdue", "oldest")
        )
        self.slipped = _by_client(
            DueDateChange.objects.slips()
            .filter(seen_at__gte=end - dt.timedelta(days=SLIP_DAYS), seen_at__lt=end)
            .filter(task__client_id__in=ids, task__deleted_at__isnull=True)
            .values(client_id=F("task__client_id"))
            .annotate(tasks=Count("task", distinct=True))
            .values("client_id", "tasks"),
            "tasks",
        )
        entries = TimeEntry.objects.filter(client_id__in=ids, started_at__lt=end)
        self.hours = _by_client(
            entries.filter(started_at__gte=end - dt.timedelta(days=30))
            .values("client_id")
            .annotate(today=Sum("hours", filter=Q(started_at__gte=start), default=ZERO), month=Sum("hours"))
            .values("client_id", "today", "month")
        )
        self.renewals = renewals_by_client(ids, day)
        # Contact sentiment, complaints and the cadence's latest call (issue 20), one query.
        self.voice = voice_by_client(ids, day)
        self.objectives: dict[int, list[tuple[str, object]]] = {}
        self.open_objectives: dict[int, int] = {}
        for objective in Objective.objects.filter(
            client_id__in=ids, status__in=["on_track", "behind"], start_date__lte=day
        ).only("client_id", "title", "baseline", "target", "current_value", "start_date", "due_date"):
            pace = objective.pace(day, objective_points)
            self.objectives.setdefault(objective.client_id, []).append((objective.title, pace))
            if objective.due_date >= day:
                self.open_objectives[objective.client_id] = self.open_objectives.get(objective.client_id, 0) + 1
        # The no-objective-goal rule (issue 20): the judged week's goals tied to an objective open today.
        self.judged_week = judged_week(day, tied_from)
        self.tied_goals = tied_goals_by_client(ids, day)


def tied_from(rules) -> Decimal:
    return next((rule.threshold for rule in rules if rule.code == "no_objective_goal"), Decimal(2))


def _week_hits(weeks: dict[dt.date, tuple[int, int]], mondays: list[dt.date]) -> tuple[WeekHits, ...]:
    return tuple(WeekHits(m, *weeks.get(m, (0, 0))) for m in mondays)


def build_day(
    day: dt.date, clients: list[Client], rules, inputs=None
) -> tuple[list[DailySnapshot], dict[int, list[Firing]]]:
    """The day's snapshots and firings (no writes), from `inputs` (a `DayInputs`, or one day of a
    range's inputs) or the day's own queries."""
    if inputs is None:
        points = next((rule.threshold for rule in rules if rule.code == "objective_behind"), None)
        inputs = DayInputs(day, [c.pk for c in clients], points, tied_from(rules))
    monday = week_start(day)
    last_two = [monday - dt.timedelta(weeks=1), monday - dt.timedelta(weeks=2)]
    snapshots, firings = [], {}
    for client in clients:
        active = client.churned_on is None or client.churned_on > day
        last = inputs.last_contact.get(client.pk)
        days_since = (day - last).days if last else None
        weeks = inputs.goal_weeks.get(client.pk, {})
        hit4 = sum(h for h, _d in weeks.values())
        due4 = sum(d for _h, d in weeks.values())
        tasks = inputs.open_tasks.get(client.pk, {"open": 0, "overdue": 0, "oldest": None})
        oldest_days = (day - tasks["oldest"]).days if tasks["oldest"] else 0
        waits = inputs.waits.get(client.pk, [])
        paces = inputs.objectives.get(client.pk, [])
        voice = inputs.voice.get(client.pk, Voice())
        health = health_score(
            HealthInputs(
                days_since_contact=days_since,
                stale_after_days=client.tier.stale_contact_days,
                goal_hit_rate=hit4 / due4 if due4 else None,
                overdue_tasks=tasks["overdue"],
                max_days_overdue=oldest_days,
                objectives_behind=sum(p.behind for _t, p in paces),
                objectives_open=len(paces),
                latest_nps=inputs.nps.get(client.pk),
                waiting_business_days=waiting_business_days(waits, *inputs.health_days),
                slipped_tasks=inputs.slipped.get(client.pk, 0),
                recent_contacts=voice.recent_contacts,
                negative_contacts=voice.negative_contacts,
                recent_detractors=voice.recent_detractors,
            )
        )
        risk = inputs.risk.get(client.pk)
        assessed_on = risk["assessed_at"].astimezone(agency_tz()).date() if risk else None
        mrr = inputs.mrr.get(client.pk, client.mrr) if active else ZERO
        hours = inputs.hours.get(client.pk, {"today": ZERO, "month": ZERO})
        waits_now = current_waits(waits, day)
        detractors = tuple(inputs.detractors.get(client.pk, ()))
        last_cadence = voice.last_cadence_contact(client.tier.cadence_needs_senior)
        cadence_since = last_cadence or client.started_on
        renewal = inputs.renewals.get(client.pk)  # (renewal date, notice days) of the next open contract
        fired = []
        if active:
            fired = evaluate(
                WarningInputs(
                    on=day,
                    tier_name=client.tier.name,
                    stale_after_days=client.tier.stale_contact_days,
                    risk_score=risk["score"] if risk else None,
                    risk_assessed_on=assessed_on,
                    days_since_contact=days_since,
                    last_two_weeks=_week_hits(weeks, last_two),
                    objectives=tuple(paces),
                    overdue_tasks=tasks["overdue"],
                    max_days_overdue=oldest_days,
                    health_score=health,
                    detractors=detractors,
                    waits=waits_now,
                    agreed_response_days=client.agreed_response_days,
                    agreement_signed_on=client.expectation_agreement_signed_on,
                    hours_last_30_days=hours["month"] or ZERO,
                    monthly_hours_budget=client.monthly_hours_budget,
                    mrr=mrr or ZERO,
                    effective_rate_floor=settings.EFFECTIVE_RATE_FLOOR,
                    slipped_tasks=inputs.slipped.get(client.pk, 0),
                    judged_week=inputs.judged_week,
                    tied_goals=inputs.tied_goals.get((client.pk, inputs.judged_week), 0),
                    open_objectives=inputs.open_objectives.get(client.pk, 0),
                    renewal=renewal,
                    cadence_days=client.tier.cadence_days,
                    cadence_needs_senior=client.tier.cadence_needs_senior,
                    last_cadence_contact_on=last_cadence,
                    client_since=client.started_on,
                ),
                rules,
            )
            firings[client.pk] = fired
        goals_today = inputs.goals_today.get(client.pk, {"due": 0, "hit": 0})
        tasks_today = inputs.tasks_today.get(client.pk, {"due": 0, "on_time": 0})
        snapshots.append(
            DailySnapshot(
                client_id=client.pk,
                date=day,
                is_active=active,
                mrr=max(mrr or ZERO, ZERO),
                risk_score=risk["score"] if risk else None,
                health_score=health,
                days_since_contact=days_since,
                goals_due=goals_today["due"],
                goals_hit=goals_today["hit"],
                tasks_due=tasks_today["due"],
                tasks_on_time=tasks_today["on_time"],
                open_tasks=tasks["open"],
                overdue_tasks=tasks["overdue"],
                slipped_tasks=inputs.slipped.get(client.pk, 0),
                hours=hours["today"] or ZERO,
                warnings=len(fired),
                max_days_overdue=oldest_days,
                days_since_risk_assessment=(day - assessed_on).days if assessed_on else None,
                days_since_detractor=min((day - on).days for _score, on in detractors) if detractors else None,
                wait_beyond_agreement=(
                    max(w.business_days for w in waits_now) - client.agreed_response_days if waits_now else None
                ),
                objective_gap=max(p.elapsed - p.progress for _t, p in paces) if paces else None,
                hours_30_days=hours["month"] or ZERO,
                cadence_gap=(
                    (day - cadence_since).days - client.tier.cadence_days
                    if client.tier.cadence_days is not None
                    else None
                ),
                tied_goals_this_week=inputs.tied_goals.get((client.pk, monday), 0),
                tied_goals_last_week=inputs.tied_goals.get((client.pk, monday - dt.timedelta(weeks=1)), 0),
                renewal_slack=(renewal[0] - day).days - renewal[1] if renewal else None,
            )
        )
    return snapshots, firings


# Each early-warning rule's input of the night beyond the figures above (the health lab's what-if
# reads them; `refill_rule_inputs` writes only these into older snapshots).
RULE_INPUTS = [
    "max_days_overdue",
    "days_since_risk_assessment",
    "days_since_detractor",
    "wait_beyond_agreement",
    "objective_gap",
    "hours_30_days",
    "cadence_gap",
    "tied_goals_this_week",
    "tied_goals_last_week",
    "renewal_slack",
]
SNAPSHOT_FIELDS = [
    "is_active",
    "mrr",
    "risk_score",
    "health_score",
    "days_since_contact",
    "goals_due",
    "goals_hit",
    "tasks_due",
    "tasks_on_time",
    "open_tasks",
    "overdue_tasks",
    "slipped_tasks",
    "hours",
    "warnings",
    *RULE_INPUTS,
]


def advance_warnings(
    day: dt.date, firings: dict[int, list[Firing]], open_rows: dict[tuple[int, str], EarlyWarning]
) -> tuple[list[EarlyWarning], list[EarlyWarning]]:
    """One day on the open warnings (`open_rows`, kept current in place): a new row for each new
    firing, the reason of open ones refreshed, the rest resolved. Returns (new rows, changed rows)."""
    firing_keys = {(pk, f.rule): f for pk, fs in firings.items() for f in fs}
    new = [
        EarlyWarning(client_id=pk, rule=rule, reason=f.reason[:300], saying=f.saying, fired_on=day)
        for (pk, rule), f in firing_keys.items()
        if (pk, rule) not in open_rows
    ]
    changed = []
    for key, row in list(open_rows.items()):
        firing = firing_keys.get(key)
        if firing is None:
            row.resolved_on = day
            changed.append(row)
            del open_rows[key]
        elif row.saying != firing.saying:
            row.reason, row.saying = firing.reason[:300], firing.saying
            changed.append(row)
    open_rows.update({(row.client_id, row.rule): row for row in new})
    return new, changed


def sync_warnings(day: dt.date, firings: dict[int, list[Firing]]) -> tuple[int, int]:
    """Open a row for each new firing, refresh the reason of open ones, resolve the rest."""
    open_rows = {(w.client_id, w.rule): w for w in EarlyWarning.objects.filter(resolved_on__isnull=True)}
    new, changed = advance_warnings(day, firings, open_rows)
    EarlyWarning.objects.bulk_create(new, batch_size=1000)
    EarlyWarning.objects.bulk_update(changed, ["reason", "saying", "resolved_on"], batch_size=1000)
    return len(new), sum(1 for row in changed if row.resolved_on)


@transaction.atomic
def rollup_day(day: dt.date | None = None) -> RollupResult:
    """Snapshot every client that had started by `day`, and keep its early warnings current."""
    began = time.monotonic()
    day = day or today() - dt.timedelta(days=1)
    clients = list(Client.objects.filter(started_on__lte=day).select_related("tier"))
    snapshots, firings = build_day(day, clients, load_rules())
    DailySnapshot.objects.bulk_create(
        snapshots,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["client", "date"],
        update_fields=SNAPSHOT_FIELDS,
    )
    refresh_weeks(day, day)
    refresh_months(day, day)
    refresh_person_weeks(day, day)
    refresh_load(day)
    fired, resolved = sync_warnings(day, firings)
    refresh_current_state()  # every client's latest risk, last contact and open warnings, each night
    rebuild_goal_weeks()  # the goal counts again, catching up any write that skipped save()
    # The health lab's history: which signals fired today (one read of the runs, then writes).
    record_day(day, day_signals(snapshots, {pk: [f.rule for f in fs] for pk, fs in firings.items()}))
    # The Making-things-happen part of the night: snoozed actions wake, new firings get their play.
    actions_wake(max(day, today()))  # the run for yesterday happens today: today's wake dates come
    plays_start(day, [(pk, f.rule) for pk, fs in firings.items() for f in fs])
    transaction.on_commit(bump_rollup_version)  # snapshot-derived figures are cached until now
    result = RollupResult(day, len(snapshots), fired, resolved, round(time.monotonic() - began, 2))
    log.debug("rollup %s: %s snapshots, %s warnings fired, %s resolved in %ss", *result.__dict__.values())
    return result


@transaction.atomic
def refill_rule_inputs(day: dt.date) -> int:
    """Write only the rules' inputs into the day's existing snapshots (for snapshots stored before
    they were kept): warnings, signal history and every other figure stay as that night had them."""
    clients = list(Client.objects.filter(started_on__lte=day).select_related("tier"))
    built, _firings = build_day(day, clients, load_rules())
    stored = {row.client_id: row for row in DailySnapshot.objects.filter(date=day)}
    for snapshot in built:
        row = stored.get(snapshot.client_id)
        if row is not None:
            for name in RULE_INPUTS:
                setattr(row, name, getattr(snapshot, name))
    DailySnapshot.objects.bulk_update(list(stored.values()), RULE_INPUTS, batch_size=1000)
    return len(stored)


LATE_DATA_DAYS = 90  # how far back the nightly run recomputes days that late data changed


def first_day_with_late_data(since: dt.datetime, on: dt.date) -> dt.date | None:
    """The earliest past day whose figures rows stored since `since` change: tasks synced since (a
    completion or a due date that arrived late) and hours recorded since for an earlier day. None
    when nothing before yesterday changed; never more than LATE_DATA_DAYS back (two queries)."""
    tz = agency_tz()
    tasks = Task.objects.filter(synced_at__gte=since).aggregate(
        due=Min(Coalesce("original_due_on", "due_on")),
        done=Min(TruncDate("completed_at", tzinfo=tz)),
        deleted=Min(Coalesce("original_due_on", "due_on"), filter=Q(deleted_at__isnull=False)),
    )
    hours = TimeEntry.objects.filter(recorded_at__gte=since).aggregate(day=Min(TruncDate("started_at", tzinfo=tz)))
    days = [day for day in (*tasks.values(), hours["day"]) if day is not None and day < on - dt.timedelta(days=1)]
    return max(min(days), on - dt.timedelta(days=LATE_DATA_DAYS)) if days else None


def nightly_rollup(on: dt.date | None = None) -> list[RollupResult]:
    """Yesterday, now complete, and today so far; and every earlier day that late data changed
    (a task completed on time but synced days later, hours logged for last week), so each day's
    figures can always be rebuilt from the rows."""
    on = on or today()
    yesterday_start, _end = day_bounds(on - dt.timedelta(days=1))
    first = first_day_with_late_data(yesterday_start, on)
    results = rollup_range(end=on, days=(on - first).days + 1 if first else 2)
    rebuild_snapshot_weeks()  # every week again, catching up any write that skipped Client.save()
    return results


def rollup_range(end: dt.date | None = None, days: int = 1) -> list[RollupResult]:
    """Backfill `days` days ending at `end`, oldest first, so warnings open and resolve in order:
    the days before the play window in one pass (`rollup_span`), the play days one by one."""
    end = end or today() - dt.timedelta(days=1)
    first = end - dt.timedelta(days=days - 1)
    span_last = min(end, today() - dt.timedelta(days=PLAY_WINDOW_DAYS + 1))
    results = []
    with transaction.atomic():
        if days > 1 and first <= span_last:
            results += rollup_span(first, span_last)
            first = span_last + dt.timedelta(days=1)
        results += [rollup_day(first + dt.timedelta(days=k)) for k in range((end - first).days + 1)]
    log.info(
        "rollup of %s days to %s: %s snapshots, %s warnings fired, %s resolved in %.1fs",
        days,
        end,
        sum(r.snapshots for r in results),
        sum(r.fired for r in results),
        sum(r.resolved for r in results),
        sum(r.seconds for r in results),
    )
    return results


def upsert_snapshots(snapshots: list[DailySnapshot], batch: int = 1000) -> None:
    """`bulk_create(update_conflicts=True)` of the snapshots, without its per-row compiling (a
    third of a year's range rollup): one multi-row INSERT … ON CONFLICT per batch, values prepared
    by their fields as the ORM would."""
    meta = DailySnapshot._meta
    fields = [meta.get_field(name) for name in ("client", "date", *SNAPSHOT_FIELDS)]
    prepared = {f.attname for f in fields if isinstance(f, DateField | DecimalField)}
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in fields]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[2:])
    with connection.cursor() as cursor:
        for start in range(0, len(snapshots), batch):
            rows = snapshots[start : start + batch]
            params = []
            for snapshot in rows:
                for f in fields:
                    value = getattr(snapshot, f.attname)
                    params.append(f.get_db_prep_save(value, connection) if f.attname in prepared else value)
            values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES {values} "
                f"ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET {updates}",
                params,
            )


# Each weekly field and how it sums the week's daily rows.
WEEKLY_SUMS = {
    "tasks_due": Sum("tasks_due"),
    "tasks_on_time": Sum("tasks_on_time"),
    "goals_due": Sum("goals_due"),
    "goals_hit": Sum("goals_hit"),
    "risk_sum": Sum("risk_score", default=0),
    "risk_days": Count("risk_score"),
    # The Sunday's score of a client active then, 0 when not assessed (the risk trend's weeks).
    "sunday_risk": Max(Coalesce("risk_score", 0), filter=Q(date__iso_week_day=7, is_active=True)),
}
WEEKLY_FIELDS = tuple(WEEKLY_SUMS)


def refresh_weeks(first: dt.date, last: dt.date) -> int:
    """Sum again, from the daily snapshots, the weekly snapshot of every client for each week from
    `first`'s to `last`'s (one aggregate, then one upsert per thousand rows)."""
    monday, sunday = week_start(first), week_start(last) + dt.timedelta(days=6)
    rows = (
        DailySnapshot.objects.filter(date__gte=monday, date__lte=sunday)
        .annotate(week=TruncWeek("date", output_field=DateField()))
        .values("client_id", "week")
        .annotate(**WEEKLY_SUMS)
        .order_by()
    )
    weeks = [
        WeeklySnapshot(client_id=r["client_id"], week_start=r["week"], **{n: r[n] for n in WEEKLY_FIELDS}) for r in rows
    ]
    WeeklySnapshot.objects.bulk_create(
        weeks,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["client", "week_start"],
        update_fields=list(WEEKLY_FIELDS),
    )
    rebuild_snapshot_weeks(monday, week_start(last))  # the same weeks per account manager and tier
    return len(weeks)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def rollup_span(first: dt.date, last: dt.date) -> list[RollupResult]:
    """Snapshot every client for each day from `first` to `last` and advance its early warnings
    day by day, as `rollup_day` for each day in order would; no plays start (see the module)."""
    began = time.monotonic()
    rules = load_rules()
    points = next((rule.threshold for rule in rules if rule.code == "objective_behind"), None)
    clients = list(Client.objects.filter(started_on__lte=last).select_related("tier"))
    position = {client.pk: i for i, client in enumerate(clients)}
    days = [first + dt.timedelta(days=k) for k in range(max((last - first).days + 1, 0))]
    counts = {day: [0, 0, 0] for day in days}  # snapshots, fired, resolved
    created: list[tuple[tuple[int, int, int], EarlyWarning]] = []
    changed: dict[int, EarlyWarning] = {}
    for chunk in _chunks(clients, CLIENT_CHUNK):
        ids = [c.pk for c in chunk]
        inputs = RangeInputs(first, last, ids, points, tied_from(rules))
        open_rows = {
            (w.client_id, w.rule): w for w in EarlyWarning.objects.filter(client_id__in=ids, resolved_on__isnull=True)
        }
        snapshots, fired_by_day = [], {}
        for k, day in enumerate(days):
            started = [c for c in chunk if c.started_on <= day]
            if not started:
                continue
            day_snapshots, firings = build_day(day, started, rules, inputs.day(day, [c.pk for c in started]))
            new, touched = advance_warnings(day, firings, open_rows)
            created += [((k, position[row.client_id], seq), row) for seq, row in enumerate(new)]
            changed.update({row.pk: row for row in touched if row.pk is not None})
            counts[day][0] += len(day_snapshots)
            counts[day][1] += len(new)
            counts[day][2] += sum(1 for row in touched if row.resolved_on == day)
            snapshots += day_snapshots
            fired_by_day[day] = day_signals(day_snapshots, {pk: [f.rule for f in fs] for pk, fs in firings.items()})
        upsert_snapshots(snapshots)
        record_days(first, last, fired_by_day, ids)
    refresh_weeks(first, last)
    refresh_months(first, last)
    refresh_person_weeks(first, last)
    refresh_load(last)
    # Stored rows first (one open row per client and rule: those resolved make room), then the new
    # ones in the order the daily runs create them.
    EarlyWarning.objects.bulk_update(list(changed.values()), ["reason", "saying", "resolved_on"], batch_size=1000)
    created.sort(key=lambda item: item[0])
    EarlyWarning.objects.bulk_create([row for _key, row in created], batch_size=1000)
    refresh_current_state()
    rebuild_goal_weeks()
    actions_wake(max(last, today()))  # as each day's run would (no plays: these days are before their window)
    transaction.on_commit(bump_rollup_version)
    seconds = round(time.monotonic() - began, 2)
    return [RollupResult(day, *counts[day], seconds if day == last else 0.0) for day in days]
