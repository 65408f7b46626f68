"""Reads for actions: priority (DESIGN, "Making things happen"), a person's Today list, the
action queue and its figures. Each function costs a fixed number of queries.

Priority of a client = (its at-risk weight + 1 for a premium tier) × MRR, where the weight of risk
1, 2, 3, 4 is 4, 3, 1, 0 and a client never assessed weighs 2; ties go to the client with the
oldest overdue action.
"""

import datetime as dt
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import batched

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from accounts.models import User
from clients.models import Action, Client, EarlyWarning, RiskAssessment
from clients.workspace_selectors import my_clients
from core.sorting import Sorted
from core.weeks import days_bounds, today, week_start

RISK_WEIGHT = {1: 4, 2: 3, 3: 1, 4: 0, None: 2}
PREMIUM_STEP = 1
NEW_FIRING_DAYS = 2  # a firing is new on its day and the next two
CLOSE_WINDOW_DAYS = 90  # median days to close: over the actions closed in the last 90 days


def priority(risk_score: int | None, mrr: Decimal, premium: bool) -> Decimal:
    return (RISK_WEIGHT.get(risk_score, 2) + (PREMIUM_STEP if premium else 0)) * (mrr or Decimal("0"))


def priority_key(value: Decimal, oldest_overdue: dt.date | None, name: str) -> tuple:
    """Highest priority first; then the oldest overdue action; then by name."""
    return (-value, oldest_overdue or dt.date.max, name.lower())


def current_risk(path: str = "pk") -> Subquery:
    latest = RiskAssessment.objects.filter(client=OuterRef(path)).order_by("-assessed_at", "-pk")
    return Subquery(latest.values("score")[:1])


def priority_expression(risk: str = "risk", prefix: str = "") -> ExpressionWrapper:
    """The priority in SQL, over an annotated current `risk` and the client's tier and MRR."""
    weight = Case(
        *[When(**{risk: score}, then=Value(w)) for score, w in RISK_WEIGHT.items() if score is not None],
        default=Value(RISK_WEIGHT[None]),
    )
    step = Case(When(**{f"{prefix}tier__is_premium": True}, then=Value(PREMIUM_STEP)), default=Value(0))
    return ExpressionWrapper((weight + step) * F(f"{prefix}mrr"), output_field=DecimalField())


# --- Today ----------------------------------------------------------------------------------


@dataclass
class TodayRow:
    client: Client
    priority: Decimal
    reasons: list[str] = field(default_factory=list)
    new_firing: bool = False
    actions: list[Action] = field(default_factory=list)

    @property
    def oldest_overdue(self) -> dt.date | None:
        return min((a.due_on for a in self.actions if a.status == Action.Status.OPEN), default=None)


def today_list(user: User, on: dt.date | None = None) -> list[TodayRow]:
    """The person's open actions due today or overdue, and their clients with new firings (with
    those firings' open actions), one row per client in priority order (three queries)."""
    on = on or today()
    warnings = list(
        EarlyWarning.objects.filter(client__in=my_clients(user), resolved_on__isnull=True).order_by("fired_on", "pk")
    )
    fresh = {(w.client_id, w.rule) for w in warnings if w.fired_on >= on - dt.timedelta(days=NEW_FIRING_DAYS)}
    mine_due = Q(owner=user, due_on__lte=on)
    fresh_q = Q(pk__in=[])
    for client_id, rule in fresh:
        fresh_q |= Q(client_id=client_id, rule=rule)
    actions = list(
        Action.objects.visible_to(user)
        .filter(status=Action.Status.OPEN)
        .filter(mine_due | fresh_q)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    ids = {a.client_id for a in actions} | {client_id for client_id, _rule in fresh}
    clients = Client.objects.filter(pk__in=ids).annotate(risk=current_risk()).select_related("tier", "account_manager")
    rows = {c.pk: TodayRow(c, priority(c.risk, c.mrr, c.tier.is_premium)) for c in clients}
    for warning in warnings:
        if warning.client_id in rows:
            rows[warning.client_id].reasons.append(warning.text)
            rows[warning.client_id].new_firing |= (warning.client_id, warning.rule) in fresh
    for action in actions:
        rows[action.client_id].actions.append(action)
    return sorted(rows.values(), key=lambda r: priority_key(r.priority, r.oldest_overdue, r.client.name))


# --- the action queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    pod: int | None = None
    am: int | None = None
    rule: str = ""
    status: str = Action.Status.OPEN  # "" for every status
    overdue: bool = False


def _in_reach(user: User, filters: QueueFilters):
    """Actions in scope and in the pod and AM filters: whole clients, so every client here has all
    its actions here (what the oldest overdue action is taken over)."""
    actions = Action.objects.visible_to(user)
    if filters.pod:
        actions = actions.filter(client__account_manager__pod_id=filters.pod)
    if filters.am:
        actions = actions.filter(client__account_manager_id=filters.am)
    return actions


def queue_scope(user: User, filters: QueueFilters):
    """Actions in scope and in the pod, AM and rule filters (the figures' base)."""
    actions = _in_reach(user, filters)
    return actions.filter(rule=filters.rule) if filters.rule else actions


def _shown(filters: QueueFilters, on: dt.date) -> Q:
    """The queue's own filters on an action: rule, status, overdue only."""
    shown = Q(rule=filters.rule) if filters.rule else Q()
    if filters.status:
        shown &= Q(status=filters.status)
    if filters.overdue:
        shown &= _open_overdue(on)
    return shown


def _open_overdue(on: dt.date) -> Q:
    return Q(status=Action.Status.OPEN, due_on__lt=on)


def queue(user: User, filters: QueueFilters, on: dt.date | None = None):
    """The filtered actions, unordered, each with its client's current risk (as stored on the client)
    and priority annotated; `sorted_queue` puts them in the order the view asks for."""
    actions = _in_reach(user, filters).filter(_shown(filters, on or today()))
    return actions.annotate(
        risk=F("client__latest_risk_score"), priority=priority_expression("risk", "client__")
    ).select_related("client", "client__tier", "client__account_manager", "owner")


def sorted_queue(user: User, filters: QueueFilters, by: Sorted, on: dt.date | None = None):
    """The queue in the chosen order: by priority through its ranked clients, by another column in
    one ordered query (paginated by the view)."""
    if by.current.lstrip("-") == "priority":
        return ranked_queue(user, filters, on, descending=by.descending)
    return queue(user, filters, on).order_by(*by.order)


def ranked_queue(
    user: User, filters: QueueFilters, on: dt.date | None = None, descending: bool = True
) -> "RankedQueue":
    return RankedQueue(user, filters, on or today(), descending)


class RankedQueue:
    """The queue by priority (DESIGN: by its client's priority, then the client's oldest overdue
    action, then by name), within a client by due date: what Paginator needs (a count and slices)
    and the CSV (every row, in order).

    Every key but the due date belongs to the client, so the database ranks the clients, not the
    actions: one row per client with a running count of its actions shown, from which a page
    takes only the clients it covers; then those clients' actions are read in that order. A page
    costs three queries (the count, the ranking, its rows), and no action or client is looked at
    one by one."""

    CSV_CLIENTS = 200  # clients per query when every row is read

    def __init__(self, user: User, filters: QueueFilters, on: dt.date, descending: bool = True):
        self.user, self.filters, self.on, self.descending = user, filters, on, descending

    def count(self) -> int:
        return _in_reach(self.user, self.filters).filter(_shown(self.filters, self.on)).count()

    def __getitem__(self, window: slice) -> list[Action]:
        first, stop = window.start or 0, window.stop
        ranks = self._ranks(first, stop) if stop is None or stop > first else []
        if not ranks:
            return []
        _client, shown, upto = ranks[0]
        skip = first - (upto - shown)  # the page starts inside its first client's actions
        rows = self._rows([client for client, _shown, _upto in ranks])
        return list(rows[skip:] if stop is None else rows[skip : skip + stop - first])

    def __iter__(self) -> Iterator[Action]:
        for chunk in batched(self._ranks(0, None), self.CSV_CLIENTS):
            yield from self._rows([client for client, _shown, _upto in chunk])

    def _rows(self, clients: list[int]):
        position = Case(*[When(client_id=pk, then=Value(n)) for n, pk in enumerate(clients)])
        return queue(self.user, self.filters, self.on).filter(client_id__in=clients).order_by(position, "due_on", "pk")

    def _ranks(self, first: int, stop: int | None) -> list[tuple[int, int, int]]:
        """(client, its actions shown, the running count to it) for the ranked clients whose actions
        fall in [first, stop). Each client's actions are counted, and its oldest overdue action
        found, in one pass over the actions; the clients' priority comes from their stored state."""
        shown, overdue = _shown(self.filters, self.on), _open_overdue(self.on)
        groups = (
            _in_reach(self.user, self.filters)
            .filter(shown | overdue if shown else Q())  # an empty Q is every action, but `Q() | q` is q
            .order_by()
            .values("client_id")
            .annotate(shown=Count("pk", filter=shown), oldest=Min("due_on", filter=overdue))
            .filter(shown__gt=0)
        )
        clients = Client.objects.order_by().values("id", "name", priority=priority_expression("latest_risk_score"))
        groups_sql, groups_params = groups.query.sql_with_params()
        clients_sql, clients_params = clients.query.sql_with_params()
        sql = RANKS_SQL.format(
            groups=groups_sql,
            clients=clients_sql,
            order=RANK_ORDER.format(direction="DESC" if self.descending else "ASC"),
            limit="" if stop is None else "LIMIT %s",  # every client for the CSV (SQLite has no LIMIT ALL)
            until="" if stop is None else "AND upto - shown < %s",
        )
        until = [] if stop is None else [stop]
        with connection.cursor() as cursor:
            cursor.execute(sql, (*groups_params, *clients_params, *until, first, *until))
            return cursor.fetchall()


# The ranking: a running count over the grouped clients, which the ORM cannot put over an
# aggregate (both inner queries are the ORM's). Every ranked client has an action shown, so the
# rows before `stop` belong to the first `stop` clients: only those are sorted in full. Ties run as
# the view's other columns do: ascending, empty values last.
RANK_ORDER = "priority {direction} NULLS LAST, oldest ASC NULLS LAST, name ASC NULLS LAST, client_id ASC"
RANKS_SQL = """
SELECT client_id, shown, upto FROM (
    SELECT client_id, shown, SUM(shown) OVER (ORDER BY {order} ROWS UNBOUNDED PRECEDING) AS upto
    FROM (
        SELECT g.client_id, g.shown, g.oldest, c.priority, c.name
        FROM ({groups}) g JOIN ({clients}) c ON c.id = g.client_id
        ORDER BY {order}
        {limit}
    ) first_clients
) ranked
WHERE upto > %s {until}
ORDER BY upto
"""


@dataclass(frozen=True)
class QueueFigures:
    open: int
    overdue: int
    done_this_week: int
    median_days_to_close: float | None
    firings_played: int  # firings whose play's first due date has come (or that were acted on)
    firings_acted_on: int  # of those, a play action done by the play's first due date

    @property
    def acted_on_share(self) -> int | None:
        return round(100 * self.firings_acted_on / self.firings_played) if self.firings_played else None


class MedianDays(Aggregate):
    """The median of (end − start) in days, as `statistics.median` takes it (halfway between the two
    middle values of an even count)."""

    name = "MedianDays"
    arg_joiner = " - "
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', %(expressions)s) / 86400)%(filter)s"
    output_field = FloatField()


def queue_figures(user: User, filters: QueueFilters, on: dt.date | None = None) -> QueueFigures:
    """Open, overdue, done this week (Monday on), median days from creation to close (done or
    dropped, closed in the last 90 days) and the share of firings acted on in time: a firing
    counts once its play's first due date has come, and is acted on when one of its play's actions
    was done by that date (two queries, every figure counted by the database)."""
    on = on or today()
    actions = queue_scope(user, filters)
    week_from, _end = days_bounds(week_start(on), on)
    since, _end = days_bounds(on - dt.timedelta(days=CLOSE_WINDOW_DAYS), on)
    closed = [Action.Status.DONE, Action.Status.DROPPED]
    recent = Q(status__in=closed, closed_at__gte=since)
    sums = {
        "open": Count("pk", filter=Q(status=Action.Status.OPEN)),
        "overdue": Count("pk", filter=_open_overdue(on)),
        "done_this_week": Count("pk", filter=Q(status=Action.Status.DONE, closed_at__gte=week_from)),
    }
    if connection.vendor == "postgresql":
        sums["median"] = MedianDays("closed_at", "created_at", filter=recent)
    counts = actions.filter(Q(status=Action.Status.OPEN) | Q(status__in=closed, closed_at__gte=min(since, week_from)))
    counts = counts.aggregate(**sums)
    if "median" not in counts:  # SQLite (the demo) has no percentile_cont: the same median, in Python
        spans = actions.filter(recent).values_list("closed_at", "created_at")
        days = [(end - start).total_seconds() / 86400 for end, start in spans]
        counts["median"] = statistics.median(days) if days else None
    firings = (
        actions.filter(origin=Action.Origin.PLAY, warning__isnull=False)
        .order_by()
        .values("warning_id")
        .annotate(
            first_due=Min("due_on"),
            first_done_on=TruncDate(Min("closed_at", filter=Q(status=Action.Status.DONE))),  # the agency's day
        )
    )
    in_time = Q(first_done_on__lte=F("first_due"))
    played = firings.aggregate(
        played=Count("warning_id", filter=in_time | Q(first_due__lte=on)), acted=Count("warning_id", filter=in_time)
    )
    median = None if counts["median"] is None else round(counts["median"], 1)
    return QueueFigures(
        counts["open"], counts["overdue"], counts["done_this_week"], median, played["played"], played["acted"]
    )
