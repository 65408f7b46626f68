"""Reads for the God-view screens. Each function costs a fixed number of queries whatever the
client count, and none scans the task table: task figures come from `DailySnapshot` (the nightly
rollup) or from queries bounded by a client's indexes.

Every function takes a client QuerySet already scoped by `visible_to(user)` and the filters.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from accounts.models import Pod, Role, User, person_name
from accounts.permissions import can_see_person, can_see_pod, people_scope
from clients.models import (
    RISK_SCORE_LABELS,
    Client,
    DailySnapshot,
    EarlyWarning,
    Experiment,
    GoalWeek,
    Outcome,
    RevenueEvent,
    SnapshotWeek,
    Tactic,
    Tier,
    WeeklySnapshot,
)
from clients.models.snapshot_weeks import RISK_SCORES, SUNDAYS
from clients.workspace_selectors import review_status_counts
from core.cache import snapshot_cached
from core.numbers import percent_text, whole
from core.sorting import Sorted, ordering, sorted_rows
from core.weeks import next_month, previous_quarter, quarter_label, quarter_of, week_bounds
from godview import metrics
from godview.forms import Filters
from godview.goal_figures import board_goals, goal_hits, narrowed, scoped_goal_weeks
from godview.training_figures import compliance_now_and_at
from tasks.models import Task

ZERO = Decimal("0")
RULE_ORDER = [
    "risk_score",
    "health_mismatch",
    "stale_contact",
    "nps_detractor",
    "overdue_tasks",
    "goal_hit_rate",
    "objective_behind",
    "waiting_on_client",
    "hours_over_budget",
    "risk_not_reassessed",
]


# --- scope ---------------------------------------------------------------------------------


def scoped_clients(user: User, filters: Filters) -> QuerySet[Client]:
    return narrowed(Client.objects.visible_to(user), filters)


def scoped_people(user: User, filters: Filters, *, leadership: bool = False) -> QuerySet[User]:
    """People in scope and in the filters; leadership only when asked (training counts them, as the
    Training page does; boards do not, leadership manages no clients)."""
    people = User.objects.filter(people_scope(user), is_active=True)
    if not leadership:
        people = people.exclude(role=Role.LEADERSHIP)
    if filters.pod:
        people = people.filter(pod_id=filters.pod)
    if filters.am:
        people = people.filter(pk=filters.am)
    return people


def current_risk() -> F:
    """The client's latest risk score, as stored on it (`refresh_current_state`): no probe per client."""
    return F("latest_risk_score")


def last_contact() -> F:
    """The client's last contact date, as stored on it."""
    return F("latest_contact_on")


def _stale_q(tiers: list[Tier], on: dt.date, days_field: str | None = None, prefix: str = "") -> Q:
    """Stale contact: days since contact above the tier threshold (never contacted is stale)."""
    q = Q(pk__in=[])
    for tier in tiers:
        if days_field:
            cond = Q(**{f"{days_field}__isnull": True}) | Q(**{f"{days_field}__gt": tier.stale_contact_days})
        else:
            cutoff = on - dt.timedelta(days=tier.stale_contact_days)
            cond = Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=cutoff)
        q |= Q(**{f"{prefix}tier_id": tier.pk}) & cond
    return q


def latest_snapshot_date(on: dt.date) -> Subquery:
    return Subquery(DailySnapshot.objects.filter(date__lte=on).order_by("-date").values("date")[:1])


# --- KPI strip -----------------------------------------------------------------------------


@dataclass
class Kpi:
    key: str
    label: str
    value: object
    kind: str  # count, money, percent, days
    change: metrics.Change | None = None
    link: str = ""
    note: str = ""
    previous: object = None
    definition: str = ""  # how the figure is counted, in DESIGN's words (the tile's title)
    target: object = None  # leadership's target (godview.targets), in the KPI's own unit
    gap: object = None  # value − target
    on_target: bool | None = None
    north_star: bool = False
    parts: str = ""  # a breakdown shown under the figure (the objectives' states)
    lazy: bool = False  # a placeholder that loads itself (the objectives tile)


def _active_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}churned_on__isnull": True}) | Q(**{f"{prefix}churned_on__gt": day})
    )


def client_figures(clients: QuerySet[Client], filters: Filters, tiers: list[Tier]) -> dict:
    """Active clients, MRR, at-risk MRR, stale contacts now; churn in the period and the one before."""
    on, start, pstart = filters.today, filters.start, filters.previous_start
    active = Q(churned_on__isnull=True)
    return clients.annotate(current_risk_score=current_risk(), last_contact_on=last_contact()).aggregate(
        active=Count("pk", filter=active),
        mrr_total=Sum("mrr", filter=active, default=ZERO),
        at_risk_mrr=Sum("mrr", filter=active & Q(current_risk_score__lte=2), default=ZERO),
        at_risk=Count("pk", filter=active & Q(current_risk_score__lte=2)),
        stale=Count("pk", filter=active & _stale_q(tiers, on)),
        churned=Count("pk", filter=Q(churned_on__gte=start, churned_on__lt=filters.end)),
        churned_before=Count("pk", filter=Q(churned_on__gte=pstart, churned_on__lt=start)),
        active_at_start=Count("pk", filter=_active_on(start - dt.timedelta(days=1))),
        active_at_previous_start=Count("pk", filter=_active_on(pstart - dt.timedelta(days=1))),
    )


def snapshot_stocks(clients: QuerySet[Client], day: dt.date, tiers: list[Tier]) -> dict:
    """Stocks from the snapshots of `day` (the end of the previous period)."""
    active = Q(is_active=True)
    return DailySnapshot.objects.filter(client__in=clients, date=day).aggregate(
        rows=Count("pk"),
        active=Count("pk", filter=active),
        mrr_total=Sum("mrr", filter=active, default=ZERO),
        at_risk_mrr=Sum("mrr", filter=active & Q(risk_score__lte=2), default=ZERO),
        stale=Count("pk", filter=active & _stale_q(tiers, day, "days_since_contact", "client__")),
        overdue=Sum("overdue_tasks", filter=active, default=0),
    )


def snapshot_flows(weeks: QuerySet[SnapshotWeek] | QuerySet[WeeklySnapshot], filters: Filters) -> dict:
    """Tasks due and on time in the period and the one before (whole weeks), from a scope's snapshot
    weeks (`scoped_snapshot_weeks`: a few rows per person and week) or some clients' weekly
    snapshots (one client's, for its page)."""
    now = Q(week_start__gte=filters.start, week_start__lt=filters.end)
    before = Q(week_start__gte=filters.previous_start, week_start__lt=filters.start)
    return weeks.filter(week_start__gte=filters.previous_start, week_start__lt=filters.end).aggregate(
        due_now=Sum("tasks_due", filter=now, default=0),
        on_time_now=Sum("tasks_on_time", filter=now, default=0),
        due_before=Sum("tasks_due", filter=before, default=0),
        on_time_before=Sum("tasks_on_time", filter=before, default=0),
    )


def latest_overdue(clients: QuerySet[Client], on: dt.date) -> dict:
    return DailySnapshot.objects.filter(client__in=clients, date=latest_snapshot_date(on)).aggregate(
        overdue=Sum("overdue_tasks", filter=Q(is_active=True), default=0), as_of=Max("date")
    )


def mrr_retention(clients: QuerySet[Client], on: dt.date) -> tuple[float | None, float | None]:
    """NRR and GRR over the 12 months to `on`, from revenue events (the MRR history): the sums of
    `retention_rows`, added up by the database (one query; at 10,000 clients the rows summed in
    Python took 55 ms of the God-view's time)."""
    sql, params = _retention_sums(clients, on).query.sql_with_params()
    query = (
        "SELECT SUM(s), SUM(CASE WHEN s + sp - sm > 0 THEN s + sp - sm ELSE 0 END), "
        "SUM(CASE WHEN sm < s THEN sm ELSE s END) FROM ("
        f"SELECT then_plus - then_minus AS s, since_plus AS sp, since_minus AS sm FROM ({sql}) AS per_client"
        ") AS kept WHERE s > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        then, now, lost = (_money(v) for v in cursor.fetchone())
    return metrics.nrr(then, now), metrics.grr(then, lost, ZERO)


def _money(value) -> Decimal:
    """A sum as the database gives it (SQLite: a float) as exact cents."""
    return ZERO if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _retention_sums(clients: QuerySet[Client], on: dt.date) -> QuerySet:
    """Per client active 12 months before `on`, its revenue events summed before and since then."""
    then = on - dt.timedelta(days=365)
    plus = Q(kind__in=["new", "expansion"])
    minus = Q(kind__in=["contraction", "churn"])
    return (
        RevenueEvent.objects.filter(client__in=clients.filter(_active_on(then)), occurred_on__lte=on)
        .values("client_id")
        .annotate(
            then_plus=Sum("amount", filter=plus & Q(occurred_on__lte=then), default=ZERO),
            then_minus=Sum("amount", filter=minus & Q(occurred_on__lte=then), default=ZERO),
            since_plus=Sum("amount", filter=plus & Q(occurred_on__gt=then), default=ZERO),
            since_minus=Sum("amount", filter=minus & Q(occurred_on__gt=then), default=ZERO),
        )
        .order_by()
        .values("client_id", "then_plus", "then_minus", "since_plus", "since_minus")
    )


def retention_rows(clients: QuerySet[Client], on: dt.date) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    """Per client active 12 months before `on`: (id, MRR then, MRR on `on`, MRR lost): NRR's rows."""
    result = []
    for client_id, then_plus, then_minus, since_plus, since_minus in _retention_sums(clients, on).values_list(
        "client_id", "then_plus", "then_minus", "since_plus", "since_minus"
    ):
        start = then_plus - then_minus
        if start > 0:
            result.append((client_id, start, max(ZERO, start + since_plus - since_minus), min(start, since_minus)))
    return result


def kpi_strip(user: User, filters: Filters, clients_url: str) -> list[Kpi]:
    """The God-view KPI strip (about eight queries)."""
    clients = scoped_clients(user, filters)
    tiers = list(Tier.objects.all())
    now = client_figures(clients, filters, tiers)
    key = filters.params() | {"on": filters.today.isoformat()}
    prev = snapshot_cached(
        "stocks", user, key, lambda: snapshot_stocks(clients, filters.start - dt.timedelta(days=1), tiers)
    )
    has_prev = bool(prev["rows"])
    flows = snapshot_cached("flows", user, key, lambda: snapshot_flows(scoped_snapshot_weeks(user, filters), filters))
    overdue = snapshot_cached("overdue", user, key, lambda: latest_overdue(clients, filters.today))
    goals = goal_hits(scoped_goal_weeks(user, filters), filters)
    nrr, grr = mrr_retention(clients, filters.today)
    # As of a past date, from history: cached like the snapshot figures.
    nrr_before, _grr = snapshot_cached(
        "nrr-before", user, key, lambda: mrr_retention(clients, filters.start - dt.timedelta(days=1))
    )
    training, training_before = compliance_now_and_at(user, filters, filters.start)

    year, quarter = quarter_of(filters.today)
    reviews, reviews_before = review_status_counts(clients, (year, quarter), previous_quarter(year, quarter))

    churn = metrics.logo_churn_rate(now["churned"], now["active_at_start"])
    churn_before = metrics.logo_churn_rate(now["churned_before"], now["active_at_previous_start"])
    hit = metrics.goal_hit_rate(goals["hit"], goals["due"])
    hit_before = metrics.goal_hit_rate(goals["hit_before"], goals["due_before"])
    tied = metrics.ratio(goals["tied"], goals["due"])
    tied_before = metrics.ratio(goals["tied_before"], goals["due_before"])
    on_time = metrics.on_time_rate(flows["on_time_now"], flows["due_now"])
    on_time_before = metrics.on_time_rate(flows["on_time_before"], flows["due_before"])
    q = filters.querystring()
    amp = "&" if q else "?"

    def prev_or_none(key: str):
        return prev[key] if has_prev else None

    return [
        Kpi("active", gettext_noop("Active clients"), now["active"], "count",
            metrics.change(now["active"], prev_or_none("active")), clients_url + q),
        Kpi("mrr", gettext_noop("MRR"), now["mrr_total"], "money",
            metrics.change(now["mrr_total"], prev_or_none("mrr_total")),
            clients_url + q + amp + "sort=mrr"),
        Kpi("at_risk_mrr", gettext_noop("At-risk MRR"), now["at_risk_mrr"], "money",
            metrics.change(now["at_risk_mrr"], prev_or_none("at_risk_mrr"), higher_is_better=False),
            clients_url + q + amp + "risk=at_risk", note=f"{now['at_risk']}"),
        Kpi("churn", gettext_noop("Logo churn"), churn, "percent",
            metrics.change(churn, churn_before, higher_is_better=False),
            clients_url + q + amp + "churned=period", note=f"{now['churned']}"),
        Kpi("nrr", gettext_noop("NRR (12 mo)"), nrr, "percent", metrics.change(nrr, nrr_before), "/retention/" + q,
            note=gettext("GRR %(rate)s") % {"rate": percent_text(grr)} if grr is not None else ""),
        Kpi("goal_hit_rate", gettext_noop("Goal hit rate"), hit, "percent", metrics.change(hit, hit_before),
            "/goals/" + q, note=f"{goals['hit']}/{goals['due']}"),
        Kpi("goals_tied", gettext_noop("Goals tied to objectives"), tied, "percent", metrics.change(tied, tied_before),
            "/goals/" + q + amp + "tied=1", note=f"{goals['tied']}/{goals['due']}"),
        Kpi("on_time", gettext_noop("On-time tasks"), on_time, "percent", metrics.change(on_time, on_time_before),
            "/tasks/" + q + amp + "kind=on_time", note=f"{flows['on_time_now']}/{flows['due_now']}"),
        Kpi("overdue", gettext_noop("Overdue tasks"), overdue["overdue"], "count",
            metrics.change(overdue["overdue"], prev_or_none("overdue"), higher_is_better=False),
            "/tasks/" + q + amp + "kind=overdue",
            note=(gettext("as of %(day)s") % {"day": date_format(overdue["as_of"], "j M")}
                  if overdue["as_of"] else gettext("no rollup yet"))),
        Kpi("stale", gettext_noop("Stale contacts"), now["stale"], "count",
            metrics.change(now["stale"], prev_or_none("stale"), higher_is_better=False),
            clients_url + q + amp + "stale=1"),
        Kpi("training", gettext_noop("Training compliance"), training.compliance, "percent",
            metrics.change(training.compliance, training_before.compliance),
            "/training/results/" + filters.querystring(period=None, tier=None),  # the pod and AM it counts
            note=gettext("avg %(score)s") % {"score": whole(training.average_score)}
            if training.average_score is not None else ""),
        Kpi("reviews_missing", gettext_noop("Reviews missing"), reviews["missing"], "count",
            metrics.change(reviews["missing"], reviews_before["missing"], higher_is_better=False),
            f"/reviews/?year={year}&quarter={quarter}&status=missing",
            note=f"{quarter_label(year, quarter)} · {reviews['submitted']}/{reviews['total']}"),
    ]  # fmt: skip


# --- early warnings ------------------------------------------------------------------------


def open_warnings(clients: QuerySet[Client], limit: int | None = 25) -> tuple[list[EarlyWarning], int]:
    rows = (
        EarlyWarning.objects.filter(client__in=clients, resolved_on__isnull=True)
        .select_related("client", "client__account_manager")
        .order_by("-fired_on", "client__name")
    )
    if limit is None:
        items = list(rows)
        return sorted(items, key=_warning_key), len(items)
    total = rows.count()
    return sorted(rows[:limit], key=_warning_key), total


def _warning_key(warning: EarlyWarning) -> tuple:
    rank = RULE_ORDER.index(warning.rule) if warning.rule in RULE_ORDER else 99
    return (rank, -warning.fired_on.toordinal(), warning.client.name)


# --- risk ----------------------------------------------------------------------------------


def risk_distribution(clients: QuerySet[Client]) -> list[dict]:
    rows = {
        row["score"]: row
        for row in clients.filter(churned_on__isnull=True)
        .annotate(score=current_risk())
        .values("score")
        .annotate(clients=Count("pk"), mrr_total=Sum("mrr"))
    }
    result = []
    for score in (1, 2, 3, 4, None):
        row = rows.get(score, {"clients": 0, "mrr_total": ZERO})
        label = RISK_SCORE_LABELS.get(score, "Not assessed")
        result.append({"score": score, "label": str(label), "clients": row["clients"], "mrr": row["mrr_total"] or ZERO})
    return result


def scoped_snapshot_weeks(user: User, filters: Filters) -> QuerySet[SnapshotWeek]:
    """The snapshot weeks of the clients `scoped_clients(user, filters)` holds."""
    return narrowed(SnapshotWeek.objects.visible_to(user), filters)


def risk_trend(weeks: QuerySet[SnapshotWeek], filters: Filters, n: int = 12) -> list[dict]:
    """Active clients by risk score on each Sunday of the last `n` complete weeks, from the clients'
    weekly snapshots summed per account manager and tier (`SnapshotWeek`, in scope and narrowed as
    the clients are): a few rows per account manager and week, not a daily row per client."""
    mondays = [filters.end - dt.timedelta(weeks=i) for i in range(n, 0, -1)]
    rows = {
        row["week_start"]: row
        for row in weeks.filter(week_start__in=mondays)
        .values("week_start")
        .annotate(**{f"{name}_sum": Sum(name) for name in SUNDAYS})
        .order_by()
    }
    points = []
    for monday in mondays:
        row = rows.get(monday, {})
        counts = {s: row[f"sunday_risk_{s}_sum"] for s in RISK_SCORES if row.get(f"sunday_risk_{s}_sum")}
        points.append(
            {"date": monday + dt.timedelta(days=6), "active": row.get("sunday_active_sum") or 0, "counts": counts}
        )
    return points


# --- leaderboards --------------------------------------------------------------------------


@dataclass
class Board:
    key: object
    name: str
    link: str = ""
    clients: int = 0
    mrr: Decimal = ZERO
    at_risk_mrr: Decimal = ZERO
    goals_hit: int = 0
    goals_due: int = 0
    tasks_on_time: int = 0
    tasks_due: int = 0
    overdue: int = 0
    stale: int = 0
    warnings: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def hit_rate(self) -> float | None:
        return metrics.goal_hit_rate(self.goals_hit, self.goals_due)

    @property
    def on_time_rate(self) -> float | None:
        return metrics.on_time_rate(self.tasks_on_time, self.tasks_due)


BOARD_COLUMNS = {  # core.sorting.sorted_rows: a board's value, most first natural
    "name": (lambda b: b.name.lower(), False),
    "clients": (lambda b: b.clients, True),
    "mrr": (lambda b: b.mrr, True),
    "at_risk_mrr": (lambda b: b.at_risk_mrr, True),
    "hit_rate": (lambda b: b.hit_rate, True),
    "on_time": (lambda b: b.on_time_rate, True),
    "overdue": (lambda b: b.overdue, True),
    "warnings": (lambda b: b.warnings, True),
}


def sort_boards(boards: list[Board], params: Mapping) -> tuple[Sorted, list[Board]]:
    """By `?sort=` (a column of BOARD_COLUMNS), the best goal hit rate first by default."""
    return sorted_rows(params, BOARD_COLUMNS, "hit_rate", boards)


def board_snapshots(
    snapshots: QuerySet[SnapshotWeek], clients: QuerySet[Client], filters: Filters, path: str, user: User | None = None
) -> list[dict]:
    """Tasks due / on time in the period and today's overdue stock, per pod or AM (two queries,
    cached per rollup for `user`): the period from the clients' weekly snapshots summed per account
    manager and tier (`snapshots`, scoped as `clients` is: a few rows per person and week), the
    stock from the latest day's rows of the active clients in `clients`. A filter the cache does
    not hold costs those two queries, not a scan of every client's weeks."""
    if user is not None:
        key = filters.params() | {"on": filters.today.isoformat()}
        return snapshot_cached(f"board-{path}", user, key, lambda: board_snapshots(snapshots, clients, filters, path))
    totals: dict[object, dict] = {}

    def total(key) -> dict:
        return totals.setdefault(key, {f"client__{path}": key, "due": 0, "on_time": 0, "overdue": 0})

    for row in (
        snapshots.filter(week_start__gte=filters.start, week_start__lt=filters.end)
        .values(path)
        .annotate(due_sum=Sum("tasks_due"), on_time_sum=Sum("tasks_on_time"))
        .order_by()
    ):
        total(row[path]).update(due=row["due_sum"], on_time=row["on_time_sum"])
    stock = DailySnapshot.objects.filter(
        client__in=clients, date=latest_snapshot_date(filters.today), is_active=True, overdue_tasks__gt=0
    )
    for key, overdue in stock.values_list(f"client__{path}").annotate(n=Sum("overdue_tasks")).order_by():
        total(key)["overdue"] = overdue
    return list(totals.values())


def leaderboard(
    clients: QuerySet[Client],
    weeks: QuerySet[GoalWeek],
    snapshots: QuerySet[SnapshotWeek],
    filters: Filters,
    by: str,
    user: User | None = None,
) -> list[Board]:
    """Pods (`by="pod"`) or account managers (`by="am"`) with their period figures (5 queries):
    `clients`, their goal `weeks` and snapshot weeks in the same scope (`scoped_clients`,
    `scoped_goal_weeks`, `scoped_snapshot_weeks`)."""
    path = "account_manager__pod_id" if by == "pod" else "account_manager_id"
    boards: dict[object, Board] = {}

    def board(key) -> Board:
        return boards.setdefault(key, Board(key=key, name=""))

    for row in (
        clients.filter(churned_on__isnull=True)
        .annotate(current_risk_score=current_risk())
        .values(path)
        .annotate(
            n=Count("pk"),
            mrr_sum=Sum("mrr"),
            risky=Sum("mrr", filter=Q(current_risk_score__lte=2), default=ZERO),
        )
    ):  # fmt: skip
        b = board(row[path])
        b.clients, b.mrr, b.at_risk_mrr = row["n"], row["mrr_sum"] or ZERO, row["risky"]
    for key, (hit, due) in board_goals(weeks, filters, path).items():
        b = board(key)
        b.goals_due, b.goals_hit = due, hit
    for row in board_snapshots(snapshots, clients, filters, path, user):
        b = board(row[f"client__{path}"])
        b.tasks_due, b.tasks_on_time, b.overdue = row["due"], row["on_time"], row["overdue"]
    keys = [k for k in boards if k is not None]
    if by == "pod":
        names = {
            p.pk: (p.name, str(p.lead) if p.lead else "")
            for p in Pod.objects.filter(pk__in=keys).select_related("lead")
        }
        for key, b in boards.items():
            b.name, lead = names.get(key, ("No pod", ""))
            b.extra["lead"] = lead
            b.link = f"/pods/{key}/" if key and (user is None or can_see_pod(user, key)) else ""
    else:
        # The fields, not a User per board: 825 of them at 10,000 clients, 25 shown.
        fields = ("pk", "first_name", "last_name", "username", "pod_id", "pod__name")
        sees_all = user is None or user.sees_everything  # asked once: `user` is the request's lazy one
        people = {pk: row for pk, *row in User.objects.filter(pk__in=keys).values_list(*fields)}
        for key, b in boards.items():
            first, last, username, pod_id, pod_name = people.get(key, ("", "", "", None, ""))
            b.name = person_name(first, last, username) or "Unassigned"
            b.extra["pod"] = pod_name or ""
            visible = key in people and (sees_all or can_see_person(user, key, pod_id))
            b.link = f"/people/{key}/" if visible else ""
    return [b for b in boards.values() if b.clients or b.goals_due]


# --- client list ---------------------------------------------------------------------------


CLIENT_COLUMNS = {  # core.sorting: each column's natural direction ("-": most first)
    "name": ("name",),
    "am": ("account_manager__first_name", "account_manager__last_name", "name"),
    "tier": ("tier__name", "name"),
    "mrr": ("-mrr", "name"),
    "risk": ("current_risk_score", "name"),
    "contact": ("last_contact_on", "name"),
    "overdue": ("-overdue", "name"),
    "warnings": ("-open_warnings", "name"),
}


def client_list(user: User, filters: Filters, params) -> QuerySet[Client]:
    """The filtered client list behind every God-view number (one query per page)."""
    tiers = list(Tier.objects.all())
    clients = (
        scoped_clients(user, filters)
        .annotate(
            current_risk_score=current_risk(),
            last_contact_on=last_contact(),
            overdue=Subquery(
                DailySnapshot.objects.filter(client=OuterRef("pk")).order_by("-date").values("overdue_tasks")[:1]
            ),
            health=Subquery(
                DailySnapshot.objects.filter(client=OuterRef("pk")).order_by("-date").values("health_score")[:1]
            ),
            open_warnings=F("open_warning_count"),
        )
        .select_related("tier", "account_manager", "account_manager__pod")
    )
    churned = params.get("churned")
    if churned == "period":
        clients = clients.filter(churned_on__gte=filters.start, churned_on__lt=filters.end)
    elif churned == "all":
        clients = clients.filter(churned_on__isnull=False)
    else:
        clients = clients.filter(churned_on__isnull=True)
    risk = params.get("risk")
    if risk == "at_risk":
        clients = clients.filter(current_risk_score__lte=2)
    elif risk in {"1", "2", "3", "4"}:
        clients = clients.filter(current_risk_score=int(risk))
    elif risk == "none":
        clients = clients.filter(current_risk_score__isnull=True)
    if params.get("stale") == "1":
        clients = clients.filter(_stale_q(tiers, filters.today))
    if params.get("overdue") == "1":
        clients = clients.filter(overdue__gt=0)
    if rule := params.get("warning"):
        clients = clients.filter(early_warnings__rule=rule, early_warnings__resolved_on__isnull=True)
    return clients.order_by(*ordering(params, CLIENT_COLUMNS, "name").order)


# --- drill-downs ---------------------------------------------------------------------------


def win_loss(clients: QuerySet[Client]) -> dict:
    """Tactics and experiments: wins, losses, inconclusive; experiments below the confidence
    threshold count as inconclusive."""
    threshold = settings.EXPERIMENT_CONFIDENCE_THRESHOLD
    tactics = Tactic.objects.filter(client__in=clients).aggregate(
        wins=Count("pk", filter=Q(outcome=Outcome.WIN)),
        losses=Count("pk", filter=Q(outcome=Outcome.LOSS)),
        inconclusive=Count("pk", filter=Q(outcome=Outcome.INCONCLUSIVE)),
        running=Count("pk", filter=Q(outcome=Outcome.PENDING)),
    )
    confident = Q(confidence__gte=threshold)
    experiments = Experiment.objects.filter(client__in=clients).aggregate(
        wins=Count("pk", filter=Q(outcome=Outcome.WIN) & confident),
        losses=Count("pk", filter=Q(outcome=Outcome.LOSS) & confident),
        inconclusive=Count(
            "pk", filter=Q(outcome=Outcome.INCONCLUSIVE) | (Q(outcome__in=["win", "loss"]) & ~confident)
        ),
        running=Count("pk", filter=Q(outcome=Outcome.PENDING)),
    )
    wins = tactics["wins"] + experiments["wins"]
    losses = tactics["losses"] + experiments["losses"]
    return {
        "tactics": tactics,
        "experiments": experiments,
        "wins": wins,
        "losses": losses,
        "inconclusive": tactics["inconclusive"] + experiments["inconclusive"],
        "rate": metrics.win_rate(wins, losses),
    }


def cycle_time(clients: QuerySet[Client], filters: Filters) -> float | None:
    """Median days from start (else creation) to completion of tasks completed in the period.

    Bounded by the (client, completed_at) index: only the scoped clients' completions.
    """
    first, _ = week_bounds(filters.start)
    last, _ = week_bounds(filters.end)
    rows = Task.objects.filter(
        client__in=clients, completed_at__gte=first, completed_at__lt=last, deleted_at__isnull=True
    ).values_list("started_on", "created_at_source", "completed_at")[:20000]
    return metrics.cycle_time_days(
        ((started or created.date()), completed.date()) for started, created, completed in rows
    )


def hours_and_cost(clients: QuerySet[Client], start: dt.datetime, end: dt.datetime) -> dict[int, dict]:
    """client id → hours and cost (hours × the logger's cost rate, else the blended rate)."""
    from tasks.models import TimeEntry

    blended = settings.BLENDED_COST_RATE
    result: dict[int, dict] = defaultdict(lambda: {"hours": ZERO, "cost": ZERO})
    for client_id, rate, hours in (
        TimeEntry.objects.filter(client__in=clients, started_at__gte=start, started_at__lt=end)
        .values("client_id", "user__cost_rate")
        .annotate(h=Sum("hours"))
        .values_list("client_id", "user__cost_rate", "h")
    ):
        result[client_id]["hours"] += hours
        result[client_id]["cost"] += hours * (rate if rate is not None else blended)
    return result


def hours_by_person_and_client(entries: Q, start: dt.datetime, end: dt.datetime, limit: int = 50) -> list[dict]:
    """Hours per (person, client) in [start, end), most first: from the sync and logged here (one query)."""
    from tasks.models import TimeEntry

    return list(
        TimeEntry.objects.filter(entries, started_at__gte=start, started_at__lt=end)
        .values(
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__pod_id",
            "client_id",
            "client__name",
        )
        .annotate(total=Sum("hours"), logged_here=Sum("hours", filter=Q(source__isnull=True), default=ZERO))
        .order_by("-total", "client__name")[:limit]
    )


def monthly_churn_rate(clients: QuerySet[Client], on: dt.date) -> float | None:
    """Logo churn over the last 12 months ÷ 12, as a monthly rate."""
    year_ago = on - dt.timedelta(days=365)
    row = clients.aggregate(
        churned=Count("pk", filter=Q(churned_on__gt=year_ago, churned_on__lte=on)),
        active=Count("pk", filter=_active_on(year_ago)),
    )
    rate = metrics.logo_churn_rate(row["churned"], row["active"])
    return rate / 12 if rate is not None else None


def clv_for(clients: QuerySet[Client], on: dt.date) -> Decimal | None:
    avg = clients.filter(churned_on__isnull=True).aggregate(avg=Avg("mrr"))["avg"]
    if avg is None:
        return None
    return metrics.clv(Decimal(avg), settings.GROSS_MARGIN, monthly_churn_rate(clients, on), settings.CHURN_RATE_FLOOR)


def workload(people: list[User], clients: QuerySet[Client], filters: Filters) -> dict[int, dict]:
    """Per person: clients, MRR managed, hours per week, open and overdue tasks (latest snapshot)."""
    from tasks.models import TimeEntry

    ids = [p.pk for p in people]
    load: dict[int, dict] = {pk: {"clients": 0, "mrr": ZERO, "hours_week": 0.0, "open": 0, "overdue": 0} for pk in ids}
    for row in (
        clients.filter(account_manager_id__in=ids, churned_on__isnull=True)
        .values("account_manager_id")
        .annotate(n=Count("pk"), mrr_sum=Sum("mrr"))
    ):
        load[row["account_manager_id"]].update(clients=row["n"], mrr=row["mrr_sum"] or ZERO)
    first, _ = week_bounds(filters.start)
    last, _ = week_bounds(filters.end)
    for row in (
        TimeEntry.objects.filter(user_id__in=ids, started_at__gte=first, started_at__lt=last)
        .values("user_id")
        .annotate(h=Sum("hours"))
    ):
        load[row["user_id"]]["hours_week"] = float(row["h"]) / filters.weeks
    for row in (
        DailySnapshot.objects.filter(
            client__account_manager_id__in=ids, date=latest_snapshot_date(filters.today), is_active=True
        )
        .values("client__account_manager_id")
        .annotate(open=Sum("open_tasks"), overdue=Sum("overdue_tasks"))
    ):
        load[row["client__account_manager_id"]].update(open=row["open"], overdue=row["overdue"])
    return load


def mrr_history(client: Client, months: int = 24) -> list[tuple[dt.date, Decimal]]:
    """Month-end MRR from the client's revenue events (the MRR history of DESIGN)."""
    events = list(client.revenue_events.order_by("occurred_on").values_list("occurred_on", "kind", "amount"))
    if not events:
        return []
    from core.weeks import today

    end = today()
    points = []
    year, month = end.year, end.month
    for _ in range(months):
        points.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    points.reverse()
    result = []
    for first in points:
        after = next_month(first)
        total = sum((amt if kind in ("new", "expansion") else -amt for on, kind, amt in events if on < after), ZERO)
        result.append((first, max(total, ZERO)))
    return [p for p in result if p[1] or any(on < p[0] for on, _k, _a in events)]
