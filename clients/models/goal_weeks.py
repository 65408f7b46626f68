"""The weekly goals the hit rate counts, summed per account manager, tier and week (issue 19).

Every scope and filter of the God-view is a set of (account manager, tier) pairs: who sees what
follows the account manager and their pod (`accounts.permissions.client_scope`), and the filters
are pod, tier and account manager. So the goal figures (the KPI strip, the heatmap, the boards)
add up these rows, a few per account manager and week, instead of every goal of the period: at
10,000 clients, 10,560 rows for the default period's 80,000 goals.

The rows stay exact on every write: saving a goal adds the change of its own counts to its row
(`WeeklyGoal.save`), and moving a client to another account manager or tier moves its goals'
counts (`Client.save`), each an atomic increment, so two writers never lose each other's change.
Writes that skip `save()` (bulk inserts: the demo, the benchmark profile) are caught up by
`rebuild_goal_weeks`, which the nightly rollup also runs.
"""

import datetime as dt
from collections.abc import Mapping

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, add_to_cell, replace_cells

# What a goal's counts depend on: its status, its recreation, when its status changed, its
# deadline, when it was done and its objective (WeeklyGoalQuerySet.counted and the hit rule).
TALLY_FIELDS = ("status", "recreated_as_id", "status_changed_at", "deadline", "done_at", "objective_id")
NOTHING = (0, 0, 0)
# A goal hit: done by its deadline (DESIGN "Weekly goal hit rate"); `goal_tally` is its Python twin.
GOAL_HIT = Q(status="done", done_at__lte=F("deadline"))


class GoalWeekQuerySet(ScopedQuerySet):
    client_path = ""  # the row holds the account manager and tier a client's scope is made of


class GoalWeek(models.Model):
    """One account manager's goals in one tier and week: counted (due), hit by the deadline, and
    tied to an objective. Unassigned clients' goals have no account manager."""

    account_manager = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="+")
    tier = models.ForeignKey("Tier", on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("week (Monday)"))
    due = models.IntegerField(default=0)
    hit = models.IntegerField(default=0)
    tied = models.IntegerField(default=0)

    objects = GoalWeekQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal week")
        verbose_name_plural = _("goal weeks")
        indexes = [  # the weeks of everyone (leadership), and of a pod's or one person's people
            models.Index(
                fields=["week_start"], include=["account_manager", "tier", "due", "hit", "tied"], name="goal_week_week"
            ),
            models.Index(
                fields=["account_manager", "week_start"], include=["tier", "due", "hit", "tied"], name="goal_week_am"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Coalesce("account_manager", Value(0)), "tier", "week_start", name="goal_week_one_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_manager or '—'} · {self.tier_id} · {self.week_start}: {self.hit}/{self.due}"


def goal_tally(values: Mapping | None) -> tuple[int, int, int]:
    """A goal's (due, hit, tied) from its TALLY_FIELDS, as `counted()` and the hit rule count it:
    a cancel in time and in good faith counts nothing; any other goal is due, hit when done by its
    deadline, tied when it has an objective."""
    if values is None:
        return NOTHING
    status, deadline, changed, done = (values[f] for f in ("status", "deadline", "status_changed_at", "done_at"))
    if status == "cancelled" and values["recreated_as_id"] is None and (changed is None or changed <= deadline):
        return NOTHING
    hit = status == "done" and done is not None and done <= deadline
    return 1, int(hit), int(values["objective_id"] is not None)


def goal_week_add(account_manager_id: int | None, tier_id: int, week: dt.date, due: int, hit: int, tied: int) -> None:
    """Add to one row's counts (an atomic increment; the row is made when missing)."""
    add_to_cell(GoalWeek, account_manager_id, tier_id, week, {"due": due, "hit": hit, "tied": tied})


def goal_weeks_move(client_id: int, old: tuple[int | None, int], new: tuple[int | None, int]) -> None:
    """A client changed account manager or tier: its goals' counts leave the old rows for the new."""
    for row in _sums(Q(client_id=client_id), ("week_start",)):
        counts = row["due"], row["hit"], row["tied"]
        goal_week_add(*old, row["week_start"], *(-n for n in counts))
        goal_week_add(*new, row["week_start"], *counts)


def _sums(goals: Q, by: tuple[str, ...]):
    return (
        apps.get_model("clients", "WeeklyGoal")  # by name: goals.py imports this module
        .objects.counted()
        .filter(goals)
        .values(*by)
        .annotate(
            due=Count("pk"), hit=Count("pk", filter=GOAL_HIT), tied=Count("pk", filter=Q(objective__isnull=False))
        )
        .order_by()
    )


@transaction.atomic
def rebuild_goal_weeks() -> int:
    """Every row again from the goals: one INSERT … SELECT of the same sums `goal_week_add` keeps
    (1 M goals at 10,000 clients: about 6 s). On Postgres the table is locked first, so a goal
    saved meanwhile adds its change after, to the new rows."""
    sums = _sums(Q(), ("client__account_manager_id", "client__tier_id", "week_start"))
    return replace_cells(
        GoalWeek.objects.all(), sums, ("account_manager_id", "tier_id", "week_start", "due", "hit", "tied")
    )
