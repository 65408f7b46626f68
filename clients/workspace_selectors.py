"""Reads for the AM workspace (issue 4): My clients, the week view, the client panel, reviews.

Each function costs a fixed number of queries whatever the number of clients or rows.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import (
    RISK_SCORE_LABELS,
    Client,
    Experiment,
    Outcome,
    QuarterlyReview,
    Tactic,
    WeeklyGoal,
)
from clients.scoring import HealthInputs, HealthSignal, Pace, disagrees
from core.numbers import percent
from core.weeks import quarter_start, today, week_start


def my_clients(user: User):
    """The clients a user works on: leadership's own book (usually none); others their scope."""
    clients = Client.objects.visible_to(user).active()
    return clients.filter(account_manager=user) if user.sees_everything else clients


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # bad, warn, info, good


@dataclass
class ClientRow:
    client: Client
    inputs: HealthInputs
    signal: HealthSignal
    badges: list[Badge]
    week_done: int = 0
    week_total: int = 0
    priority: tuple = ()


def _risk_badges(client: Client, signal: HealthSignal, on: dt.date) -> list[Badge]:
    score = client.current_risk_score
    if score is None:
        return [Badge(_("Risk never assessed"), "warn")]
    badges = []
    if score <= 2:
        badges.append(
            Badge(_("Risk %(score)s · %(label)s") % {"score": score, "label": RISK_SCORE_LABELS[score]}, "bad")
        )
    age = (on - timezone.localtime(client.current_risk_at).date()).days
    # The early-warning rule's own threshold (admin), None when leadership switched the rule off.
    reassess_after = getattr(client, "reassess_after", None)
    if reassess_after is not None and age >= reassess_after:
        badges.append(Badge(_("Risk not reassessed for %(days)s days") % {"days": age}, "warn"))
    if disagrees(signal.score, score):
        badges.append(
            Badge(_("Health signal %(health)s vs risk %(risk)s") % {"health": signal.score, "risk": score}, "warn")
        )
    return badges


def why_badges(client: Client, inputs: HealthInputs, signal: HealthSignal, on: dt.date) -> list[Badge]:
    """Why a client sits where it does, in words (most urgent first)."""
    badges = _risk_badges(client, signal, on)
    days = inputs.days_since_contact
    if days is None:
        badges.append(Badge(_("No contact logged"), "bad"))
    elif days > inputs.stale_after_days:
        badges.append(
            Badge(
                _("No contact for %(days)s days (stale after %(limit)s)")
                % {"days": days, "limit": inputs.stale_after_days},
                "bad",
            )
        )
    if inputs.overdue_tasks:
        badges.append(
            Badge(
                _("%(count)s overdue tasks, oldest %(days)s days")
                % {"count": inputs.overdue_tasks, "days": inputs.max_days_overdue},
                "warn",
            )
        )
    if inputs.objectives_behind:
        badges.append(
            Badge(
                _("%(behind)s of %(open)s objectives behind pace")
                % {"behind": inputs.objectives_behind, "open": inputs.objectives_open},
                "warn",
            )
        )
    return badges


def priority_key(client: Client, inputs: HealthInputs) -> tuple:
    """Riskiest first: risk score (unassessed between 2 and 3), stale contact, overdue work, objectives behind."""
    risk = client.current_risk_score if client.current_risk_score is not None else 2.5
    days = inputs.days_since_contact
    staleness = 10_000 if days is None else days / inputs.stale_after_days
    return (risk, -staleness, -inputs.overdue_tasks, -inputs.objectives_behind, client.name.lower())


def week_counts(client_ids: Iterable[int], monday: dt.date) -> dict[int, tuple[int, int]]:
    """client id → (done, counted) goals of the week starting `monday` (one query)."""
    rows = (
        WeeklyGoal.objects.counted()
        .filter(client_id__in=list(client_ids), week_start=monday)
        .values("client_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status="done")))
    )
    return {row["client_id"]: (row["done"], row["total"]) for row in rows}


# --- win / loss -----------------------------------------------------------------------------


@dataclass
class WinLoss:
    wins: int = 0
    losses: int = 0
    inconclusive: int = 0
    running: int = 0

    def add(self, outcome: str) -> None:
        name = {Outcome.WIN: "wins", Outcome.LOSS: "losses", Outcome.INCONCLUSIVE: "inconclusive"}.get(
            outcome, "running"
        )
        setattr(self, name, getattr(self, name) + 1)

    @property
    def win_rate(self) -> float | None:
        """Wins ÷ (wins + losses); inconclusive results are shown, not counted."""
        decided = self.wins + self.losses
        return percent(self.wins / decided) if decided else None


def win_loss(tactics: Iterable[Tactic], experiments: Iterable[Experiment]) -> WinLoss:
    result = WinLoss()
    for tactic in tactics:
        result.add(tactic.outcome)
    for experiment in experiments:
        result.add(experiment.counted_outcome)
    return result


def win_loss_by_person(clients) -> list[tuple[User, WinLoss]]:
    """Per owner over the given clients' tactics and experiments (two queries)."""
    people: dict[int, tuple[User, WinLoss]] = {}
    records = [
        *Tactic.objects.filter(client__in=clients).select_related("owner"),
        *Experiment.objects.filter(client__in=clients).select_related("owner"),
    ]
    for record in records:
        _owner, tally = people.setdefault(record.owner_id, (record.owner, WinLoss()))
        tally.add(record.counted_outcome if isinstance(record, Experiment) else record.outcome)
    return sorted(people.values(), key=lambda pair: str(pair[0]))


# --- week view ------------------------------------------------------------------------------


@dataclass
class ClientWeek:
    client: Client
    goals: list[WeeklyGoal] = field(default_factory=list)
    summary: str = ""

    @property
    def counted(self) -> list[WeeklyGoal]:
        return [g for g in self.goals if g.status != WeeklyGoal.Status.CANCELLED]

    @property
    def hit(self) -> int:
        return sum(1 for g in self.counted if g.hit)

    @property
    def shared(self) -> list[WeeklyGoal]:
        return [g for g in self.goals if g.shared_with_client]


def hit_rate(hit: int, due: int) -> int | None:
    return percent(hit / due) if due else None


def week_view(user: User, monday: dt.date) -> list[ClientWeek]:
    """This week's goals across my clients, grouped by client (two queries)."""
    clients = list(my_clients(user).select_related("tier"))
    weeks = {client.pk: ClientWeek(client) for client in clients}
    goals = (
        WeeklyGoal.objects.filter(client__in=clients, week_start=monday)
        .select_related("objective", "postponement", "carried_over_from__original", "recreated_as", "created_by")
        .order_by("client__name", "pk")
    )
    for goal in goals:
        weeks[goal.client_id].goals.append(goal)
    for week in weeks.values():
        week.summary = week_summary_text(week.client, monday, week.goals)
    return sorted(weeks.values(), key=lambda w: (not w.goals, w.client.name.lower()))


def week_summary_text(client: Client, monday: dt.date, goals: list[WeeklyGoal]) -> str:
    """The shared-with-client summary of a week, as Markdown."""
    sunday = monday + dt.timedelta(days=6)
    lines = [f"# {client.name} · {_('week of %(day)s') % {'day': monday.isoformat()}} – {sunday.isoformat()}", ""]
    marks = {"done": "[x]", "open": "[ ]", "postponed": "[→]", "cancelled": "[–]"}
    for goal in goals:
        if not goal.shared_with_client:
            continue
        suffix = "" if goal.status in ("open", "done") else f" ({goal.get_status_display().lower()})"
        lines.append(f"- {marks[goal.status]} {goal.title}{suffix}")
    if len(lines) == 2:
        lines.append(_("No goals shared with the client this week."))
    return "\n".join(lines) + "\n"


# --- client panel ---------------------------------------------------------------------------


@dataclass
class ObjectiveRow:
    objective: object
    pace: Pace


def objective_rows(client: Client, on: dt.date | None = None) -> list[ObjectiveRow]:
    on = on or today()
    return [ObjectiveRow(o, o.pace(on)) for o in client.objectives.order_by("due_date", "pk")]


def panel_goals(client: Client, on: dt.date | None = None) -> list[WeeklyGoal]:
    """Goals of this week and the next two (one query)."""
    monday = week_start(on or today())
    return list(
        client.weekly_goals.filter(week_start__gte=monday, week_start__lte=monday + dt.timedelta(weeks=2))
        .select_related("objective", "postponement", "carried_over_from__original", "recreated_as", "created_by")
        .order_by("week_start", "pk")
    )


def recent_waits(client: Client, limit: int = 10) -> list:
    """Open waits first, then the latest ended ones (one query)."""
    return list(
        client.waiting_periods.select_related("goal").order_by(F("ended_on").desc(nulls_first=True), "-started_on")[
            :limit
        ]
    )


def risk_trend(client: Client, limit: int = 8) -> list:
    """The latest assessments, newest first (the history is the trend)."""
    return list(client.risk_assessments.select_related("assessed_by").order_by("-assessed_at", "-pk")[:limit])


REVIEW_STATUSES = ("missing", "draft", "submitted")


def review_due_on(year: int, quarter: int, on: dt.date | None = None) -> dt.date:
    """A client owes the quarter's review when it is active on the quarter's last day (today, for the
    quarter under way)."""
    next_year, next_quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return min(quarter_start(next_year, next_quarter) - dt.timedelta(days=1), on or today())


def _owing(year: int, quarter: int) -> Q:
    day = review_due_on(year, quarter)
    return Q(started_on__lte=day) & (Q(churned_on__isnull=True) | Q(churned_on__gt=day))


def clients_owing_review(clients, year: int, quarter: int):
    return clients.filter(_owing(year, quarter))


def _review_of(year: int, quarter: int, status: str | None = None) -> Exists:
    reviews = QuarterlyReview.objects.filter(client=OuterRef("pk"), year=year, quarter=quarter)
    return Exists(reviews.filter(status=status) if status else reviews)


def review_status_counts(clients, *quarters: tuple[int, int]) -> list[dict[str, int]]:
    """For each (year, quarter): its active clients by review status, missing, draft and submitted
    (two queries for all the quarters asked: the clients that owe each, and their reviews by
    status, one per client and quarter; not a probe of the reviews for every client)."""
    owed = clients.aggregate(**{f"total{n}": Count("pk", filter=_owing(*q)) for n, q in enumerate(quarters)})
    done = Q()
    for year, quarter in quarters:
        done |= Q(year=year, quarter=quarter, client__in=clients.filter(_owing(year, quarter)))
    statuses = Counter(
        {(y, q, status): n for y, q, status, n in (
            QuarterlyReview.objects.filter(done).values_list("year", "quarter", "status").annotate(n=Count("pk"))
            .order_by()
        )}
    )  # fmt: skip
    result = []
    for n, (year, quarter) in enumerate(quarters):
        total = owed[f"total{n}"]
        draft = statuses[(year, quarter, QuarterlyReview.Status.DRAFT.value)]
        submitted = statuses[(year, quarter, QuarterlyReview.Status.SUBMITTED.value)]
        result.append({"total": total, "draft": draft, "submitted": submitted, "missing": total - draft - submitted})
    return result


def review_clients(user: User, year: int, quarter: int, status: str | None = None):
    """Every client that owes the quarter's review (scoped), optionally of one status, by name."""
    owing = clients_owing_review(Client.objects.visible_to(user), year, quarter)
    if status == "missing":
        owing = owing.filter(~Q(_review_of(year, quarter)))
    elif status in ("draft", "submitted"):
        owing = owing.filter(_review_of(year, quarter, status))
    return owing.select_related("account_manager").order_by("name", "pk")


@dataclass(frozen=True)
class ReviewRow:
    client: Client
    review: QuarterlyReview | None

    @property
    def status(self) -> str:
        return self.review.status if self.review else "missing"


def review_rows(clients: Iterable[Client], year: int, quarter: int) -> list[ReviewRow]:
    """The clients with their review of the quarter, or None where it is missing (one query)."""
    clients = list(clients)
    reviews = {
        r.client_id: r
        for r in QuarterlyReview.objects.filter(client__in=[c.pk for c in clients], year=year, quarter=quarter)
    }
    return [ReviewRow(client, reviews.get(client.pk)) for client in clients]
