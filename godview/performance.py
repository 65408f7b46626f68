"""What top performers do differently, and what one person should work on.

Top performers: account managers ranked by retention (share of their clients not lost in the last
12 months), ties broken by risk improvement (mean change of their clients' risk score over 90 days,
from the daily snapshots; up is better since 4 = lowest risk). The top quartile (at least one
person) is compared with the rest on five behaviours. `compare` and `coaching` are pure.
"""

import datetime as dt
import math
import statistics
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User, person_name
from clients.models import GOAL_HIT, Client, Contact, DailySnapshot, SnapshotWeek, WeeklyGoal, WeeklySnapshot
from core.cache import snapshot_cached
from core.numbers import half_up
from core.weeks import today, week_bounds, week_start
from godview.win_loss import OwnerWinLoss, win_loss_by_owner
from tasks.models import TimeEntry
from training.models import TrainingResult

WINDOW_WEEKS = 12
BEHAVIOURS = (
    ("contacts_per_client_month", _("Contacts per client per month"), "number"),
    ("goal_hit_rate", _("Weekly goal hit rate"), "percent"),
    ("on_time_rate", _("On-time task rate"), "percent"),
    ("training_score", _("Average training score"), "score"),
    ("hours_per_client_week", _("Hours per client per week"), "number"),
    ("win_rate", _("Win rate of own tactics and A/B tests"), "percent"),
)


@dataclass
class PersonStats:
    user_id: int
    name: str
    clients: int = 0
    retention: float | None = None
    risk_improvement: float | None = None
    contacts_per_client_month: float | None = None
    goal_hit_rate: float | None = None
    on_time_rate: float | None = None
    training_score: float | None = None
    hours_per_client_week: float | None = None
    win_rate: float | None = None
    pod_id: int | None = None  # for the viewer's link to the person page


@dataclass(frozen=True)
class BehaviourGap:
    code: str
    label: str
    kind: str
    top: float | None
    rest: float | None
    difference: float | None


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def rank_key(stats: PersonStats) -> tuple[float, float]:
    return (
        stats.retention if stats.retention is not None else -1.0,
        stats.risk_improvement if stats.risk_improvement is not None else -99.0,
    )


def split_top_quartile(people: list[PersonStats]) -> tuple[list[PersonStats], list[PersonStats]]:
    ranked = sorted((p for p in people if p.clients), key=rank_key, reverse=True)
    if not ranked:
        return [], []
    cut = max(1, math.ceil(len(ranked) / 4))
    return ranked[:cut], ranked[cut:]


def compare(people: list[PersonStats]) -> list[BehaviourGap]:
    top, rest = split_top_quartile(people)
    gaps = []
    for code, label, kind in BEHAVIOURS:
        t = _mean([getattr(p, code) for p in top])
        r = _mean([getattr(p, code) for p in rest])
        gaps.append(BehaviourGap(code, str(label), kind, t, r, None if t is None or r is None else t - r))
    return gaps


@dataclass(frozen=True)
class Coaching:
    code: str
    label: str
    kind: str
    mine: float | None
    top: float | None
    gap: float  # in standard deviations of all AMs; larger = further from top performers


# Hours per client has no better direction: spending more is not better per se, so distance counts.
HIGHER_IS_BETTER = {"contacts_per_client_month", "goal_hit_rate", "on_time_rate", "training_score", "win_rate"}


def coaching(person: PersonStats, people: list[PersonStats]) -> list[Coaching]:
    """The behaviours where `person` trails the top performers most, in standard deviations.

    Positive gap = behind the top performers; behaviours where the person is ahead sort last.
    """
    top, _rest = split_top_quartile(people)
    items = []
    for code, label, kind in BEHAVIOURS:
        mine = getattr(person, code)
        top_mean = _mean([getattr(p, code) for p in top])
        everyone = [getattr(p, code) for p in people if getattr(p, code) is not None]
        if mine is None or top_mean is None:
            continue
        spread = statistics.pstdev(everyone) if len(everyone) > 1 else 0.0
        behind = (top_mean - mine) if code in HIGHER_IS_BETTER else abs(mine - top_mean)
        gap = behind / spread if spread else behind
        items.append(Coaching(code, str(label), kind, mine, top_mean, float(half_up(gap, 2))))
    return sorted(items, key=lambda c: c.gap, reverse=True)


# --- gathering (fixed number of queries) ---------------------------------------------------


def gather(
    clients=None, on: dt.date | None = None, snapshots: QuerySet[SnapshotWeek] | None = None
) -> list[PersonStats]:
    """Stats for every account manager with clients in `clients` (default: all): ten queries.
    `snapshots`, the same scope's snapshot weeks (`scoped_snapshot_weeks`; every one when no
    `clients` are given), gives the on-time rate from a few rows per person and week; without it
    the clients' own weekly snapshots are summed."""
    on = on or today()
    if clients is None:
        clients = Client.objects.all()
        snapshots = SnapshotWeek.objects.all() if snapshots is None else snapshots
    year_ago = on - dt.timedelta(days=365)
    end_monday = week_start(on)
    start_monday = end_monday - dt.timedelta(weeks=WINDOW_WEEKS)
    first, _ = week_bounds(start_monday)
    last, _ = week_bounds(end_monday)
    stats: dict[int, PersonStats] = {}
    fields = ("pk", "first_name", "last_name", "username", "pod_id")
    managers = {
        pk: (person_name(first, last, username), pod_id)
        for pk, first, last, username, pod_id in User.objects.filter(
            role__in=[Role.ACCOUNT_MANAGER, Role.POD_LEAD], pk__in=clients.values("account_manager_id")
        ).values_list(*fields)
    }
    for pk, (name, pod_id) in managers.items():
        stats[pk] = PersonStats(pk, name, pod_id=pod_id)
    kept = Q(churned_on__isnull=True) | Q(churned_on__gt=on)
    for row in (
        clients.filter(account_manager_id__in=managers, started_on__lte=on)
        .filter(Q(churned_on__isnull=True) | Q(churned_on__gt=year_ago))
        .values("account_manager_id")
        .annotate(n=Count("pk"), active=Count("pk", filter=kept))
    ):
        s = stats[row["account_manager_id"]]
        s.clients = row["active"]
        s.retention = row["active"] / row["n"] if row["n"] else None
    # Risk change: the mean score of each manager's clients on the latest snapshot (active then)
    # against 90 days before it, two days' rows; the on-time rate: the window's task sums.
    latest = DailySnapshot.objects.filter(date__lte=on).order_by("-date").values_list("date", flat=True).first()
    if latest is not None:
        before = latest - dt.timedelta(days=90)
        for manager, now, then in (
            DailySnapshot.objects.filter(client__in=clients, date__in=[latest, before])
            .values_list("client__account_manager_id")
            .annotate(
                now=Avg("risk_score", filter=Q(date=latest, is_active=True)),
                then=Avg("risk_score", filter=Q(date=before)),
            )
            .order_by()
        ):
            if manager in stats and now is not None and then is not None:
                stats[manager].risk_improvement = float(now) - float(then)
    window = Q(week_start__gte=start_monday, week_start__lt=end_monday)
    if snapshots is not None:
        weeks = snapshots.filter(window).values_list("account_manager_id")
    else:
        weeks = WeeklySnapshot.objects.filter(window, client__in=clients).values_list("client__account_manager_id")
    for manager, due, on_time in weeks.annotate(due=Sum("tasks_due"), on_time=Sum("tasks_on_time")).order_by():
        if manager in stats:
            stats[manager].on_time_rate = on_time / due if due else None
    months = WINDOW_WEEKS * 7 / 30.4
    for row in (
        Contact.objects.filter(
            client__in=clients, client__account_manager_id__in=managers, contacted_on__gte=start_monday,
            contacted_on__lt=end_monday,
        )
        .values("client__account_manager_id")
        .annotate(n=Count("pk"))
    ):  # fmt: skip
        s = stats[row["client__account_manager_id"]]
        s.contacts_per_client_month = row["n"] / s.clients / months if s.clients else None
    for row in (
        WeeklyGoal.objects.counted()
        .filter(owner_id__in=managers, week_start__gte=start_monday, week_start__lt=end_monday)
        .values("owner_id")
        .annotate(due=Count("pk"), hit=Count("pk", filter=GOAL_HIT))
    ):
        stats[row["owner_id"]].goal_hit_rate = row["hit"] / row["due"] if row["due"] else None
    for row in TrainingResult.objects.filter(user_id__in=managers).values("user_id").annotate(avg=Avg("score")):
        stats[row["user_id"]].training_score = float(row["avg"])
    for row in (
        TimeEntry.objects.filter(user_id__in=managers, started_at__gte=first, started_at__lt=last)
        .values("user_id")
        .annotate(h=Sum("hours"))
    ):
        s = stats[row["user_id"]]
        s.hours_per_client_week = float(row["h"]) / s.clients / WINDOW_WEEKS if s.clients else None
    # Their own tactics and A/B tests on the clients in scope (two queries), by owner.
    for pk, tally in win_loss_by_owner(Q(owner_id__in=managers), clients).items():
        stats[pk].win_rate = tally.rate
    return list(stats.values())


def top_performers(
    clients=None, on: dt.date | None = None, user: User | None = None, params=None, snapshots=None
) -> dict:
    """Over complete weeks and nightly snapshots: cached until the next rollup when `user` is given
    (`clients` and their `snapshots` in the same scope, as `gather` takes them)."""
    on = on or today()
    if user is not None:
        key = (params or {}) | {"on": on.isoformat()}
        people = snapshot_cached("performers", user, key, lambda: gather(clients, on, snapshots))
        by_designer = snapshot_cached("performers-designers", user, key, lambda: designers(clients))
    else:
        people, by_designer = gather(clients, on, snapshots), designers(clients)
    top, rest = split_top_quartile(people)
    return {"gaps": compare(people), "top": top, "rest_count": len(rest), "designers": by_designer}


@dataclass(frozen=True)
class DesignerRow:
    user_id: int
    name: str
    tally: OwnerWinLoss
    pod_id: int | None = None


def designers(clients=None) -> list[DesignerRow]:
    """The designers' A/B tests (and tactics) on the clients in scope, win/loss by designer, best
    win rate first (three queries: the tallies, then the designers' names)."""
    clients = clients if clients is not None else Client.objects.all()
    tallies = win_loss_by_owner(Q(owner__role=Role.DESIGNER), clients)
    names = {u.pk: u for u in User.objects.filter(pk__in=tallies)} if tallies else {}
    rows = [DesignerRow(pk, str(names[pk]), tally, names[pk].pod_id) for pk, tally in tallies.items() if pk in names]
    return sorted(rows, key=lambda r: (-(r.tally.rate or -1), r.name))


def coaching_list(user: User, on: dt.date | None = None) -> list[Coaching]:
    """The behaviours where `user` differs most from the agency's top performers."""
    on = on or today()
    # Agency-wide stats, the same whoever the person is: one cache entry for every person page (keyed
    # by the person, each new page recomputed them, ~150 ms at 2,000 clients).
    people = snapshot_cached("performers-all", None, {"on": on.isoformat(), "all": 1}, lambda: gather(None, on))
    mine = next((p for p in people if p.user_id == user.pk), None)
    return coaching(mine, people) if mine else []
