"""Reads for actions: priority (DESIGN, "Making things happen"), a person's Today list, the
action queue and its figures. Each function costs a fixed number of queries.

Priority of a client = (its at-risk weight + 1 for a premium tier) × MRR, where the weight of risk
1, 2, 3, 4 is 4, 3, 1, 0 and a client never assessed weighs 2; ties go to the client with the
oldest overdue action.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from clients.models import Action, Client, EarlyWarning, RiskAssessment
from clients.workspace_selectors import my_clients
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


def queue_scope(user: User, filters: QueueFilters):
    """Actions in scope and in the pod, AM and rule filters (the figures' base)."""
    actions = Action.objects.visible_to(user)
    if filters.pod:
        actions = actions.filter(client__account_manager__pod_id=filters.pod)
    if filters.am:
        actions = actions.filter(client__account_manager_id=filters.am)
    if filters.rule:
        actions = actions.filter(rule=filters.rule)
    return actions


def queue(user: User, filters: QueueFilters, on: dt.date | None = None):
    """The action queue: the filtered actions by their client's priority, then the oldest overdue
    action, each with its client's risk and priority annotated (one query, paginated by the view)."""
    on = on or today()
    actions = queue_scope(user, filters)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.filter(status=Action.Status.OPEN, due_on__lt=on)
    oldest = (
        Action.objects.filter(client=OuterRef("client_id"), status=Action.Status.OPEN, due_on__lt=on)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return (
        actions.annotate(risk=current_risk("client_id"))
        .annotate(
            priority=priority_expression("risk", "client__"),
            oldest_overdue=Coalesce(Subquery(oldest), Value(dt.date.max)),
        )
        .select_related("client", "client__tier", "client__account_manager", "owner")
        .order_by("-priority", "oldest_overdue", "client__name", "client_id", "due_on", "pk")
    )


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


def queue_figures(user: User, filters: QueueFilters, on: dt.date | None = None) -> QueueFigures:
    """Open, overdue, done this week (Monday on), median days from creation to close (done or
    dropped, closed in the last 90 days) and the share of firings acted on in time: a firing
    counts once its play's first due date has come, and is acted on when one of its play's actions
    was done by that date (three queries)."""
    on = on or today()
    actions = queue_scope(user, filters)
    week_from, _end = days_bounds(week_start(on), on)
    counts = actions.aggregate(
        open=Count("pk", filter=Q(status=Action.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=Action.Status.OPEN, due_on__lt=on)),
        done_this_week=Count("pk", filter=Q(status=Action.Status.DONE, closed_at__gte=week_from)),
    )
    since, _end = days_bounds(on - dt.timedelta(days=CLOSE_WINDOW_DAYS), on)
    durations = [
        (closed - created).total_seconds() / 86400
        for created, closed in actions.filter(
            status__in=[Action.Status.DONE, Action.Status.DROPPED], closed_at__gte=since
        ).values_list("created_at", "closed_at")
    ]
    firings = (
        actions.filter(origin=Action.Origin.PLAY, warning__isnull=False)
        .values("warning_id")
        .annotate(first_due=Min("due_on"), first_done=Min("closed_at", filter=Q(status=Action.Status.DONE)))
    )
    played = acted = 0
    for row in firings:
        in_time = row["first_done"] is not None and _local_day(row["first_done"]) <= row["first_due"]
        if in_time or row["first_due"] <= on:
            played += 1
            acted += in_time
    median = round(statistics.median(durations), 1) if durations else None
    return QueueFigures(counts["open"], counts["overdue"], counts["done_this_week"], median, played, acted)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()
