"""The weekly snapshots summed per account manager, tier and week (issue 19), as `GoalWeek` sums
the goals: a figure over whole weeks for a set of people (the coaching window's tasks and risk)
adds a few rows per person and week instead of every client's weeks (at 10,000 clients, 13 weeks
are 130,000 weekly snapshots and 10,700 of these rows).

The weekly snapshots are written only by the rollup, which sums these rows again for the weeks
it wrote (`rebuild_snapshot_weeks`; the nightly job sums every week again); a client moved to
another account manager or tier takes its weeks' sums along (`Client.save`, atomic increments),
so the rows always follow the client's current account manager and tier, as the sums over its
weekly snapshots did.

The risk trend (the God-view's risk widget) reads the Sunday counts: the active clients on each
week's last day, and of them those at each risk score (at 10,000 clients the chart's twelve
Sundays were 120,000 daily rows; they are 12 × 1,320 of these). The boards and the on-time figure
read the period's task sums from them too.
"""

import datetime as dt

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, add_to_cell, replace_cells

SUMS = ("tasks_due", "tasks_on_time", "risk_sum", "risk_days")  # WeeklySnapshot's, summed
RISK_SCORES = (1, 2, 3, 4)
SUNDAYS = ("sunday_active", *(f"sunday_risk_{s}" for s in RISK_SCORES))  # WeeklySnapshot's Sundays, counted
# Each column and how it adds up weekly snapshots (a cell's, or one client's week when it moves).
CELL_SUMS = {
    **{name: Sum(name) for name in SUMS},
    "sunday_active": Count("pk", filter=Q(sunday_risk__isnull=False)),
    **{f"sunday_risk_{s}": Count("pk", filter=Q(sunday_risk=s)) for s in RISK_SCORES},
}
COLUMNS = tuple(CELL_SUMS)


class SnapshotWeekQuerySet(ScopedQuerySet):
    client_path = ""  # the row holds the account manager and tier a client's scope is made of


class SnapshotWeek(models.Model):
    """One account manager's clients in one tier and week: their weekly snapshots' sums."""

    account_manager = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="+")
    tier = models.ForeignKey("Tier", on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("week (Monday)"))
    tasks_due = models.IntegerField(default=0)
    tasks_on_time = models.IntegerField(default=0)
    risk_sum = models.IntegerField(default=0)
    risk_days = models.IntegerField(default=0)
    sunday_active = models.IntegerField(default=0)  # clients active on the week's Sunday
    sunday_risk_1 = models.IntegerField(default=0)  # of them, at each risk score then
    sunday_risk_2 = models.IntegerField(default=0)
    sunday_risk_3 = models.IntegerField(default=0)
    sunday_risk_4 = models.IntegerField(default=0)

    objects = SnapshotWeekQuerySet.as_manager()

    class Meta:
        verbose_name = _("snapshot week")
        verbose_name_plural = _("snapshot weeks")
        indexes = [
            models.Index(fields=["account_manager", "week_start"], include=[*SUMS], name="snapshot_week_am"),
            models.Index(
                fields=["week_start"], include=["account_manager", "tier", *SUNDAYS], name="snapshot_week_sundays"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                models.functions.Coalesce("account_manager", models.Value(0)),
                "tier",
                "week_start",
                name="snapshot_week_one_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_manager or '—'} · {self.tier_id} · {self.week_start}"


def snapshot_weeks_move(client_id: int, old: tuple[int | None, int], new: tuple[int | None, int]) -> None:
    """A client changed account manager or tier: its weeks' sums leave the old rows for the new."""
    weeks = apps.get_model("clients", "WeeklySnapshot").objects.filter(client_id=client_id)
    for week, *values in weeks.values_list("week_start").annotate(**_named(CELL_SUMS)).order_by():
        add_to_cell(SnapshotWeek, *old, week, {name: -n for name, n in zip(COLUMNS, values, strict=True)})
        add_to_cell(SnapshotWeek, *new, week, dict(zip(COLUMNS, values, strict=True)))


def _named(sums: dict) -> dict:
    """The sums under names a weekly snapshot's fields do not take."""
    return {f"{name}_cell": expression for name, expression in sums.items()}


@transaction.atomic
def rebuild_snapshot_weeks(first: dt.date | None = None, last: dt.date | None = None) -> int:
    """The rows of the weeks from Monday `first` to Monday `last` (every week by default) again
    from the weekly snapshots and each client's account manager and tier: a delete and one
    INSERT … SELECT. The rollup runs it for the weeks it wrote, the nightly job for every week
    (catching up any write that skipped `save()`; 5.6 s at 10,000 clients). On Postgres the table
    is locked first, so a client moved meanwhile moves its sums after, in the new rows."""
    weeks, rows = apps.get_model("clients", "WeeklySnapshot").objects.all(), SnapshotWeek.objects.all()
    if first is not None:
        weeks = weeks.filter(week_start__gte=first, week_start__lte=last)
        rows = rows.filter(week_start__gte=first, week_start__lte=last)
    sums = (
        weeks.values("client__account_manager_id", "client__tier_id", "week_start")
        .annotate(**_named(CELL_SUMS))
        .order_by()
    )
    return replace_cells(rows, sums, ("account_manager_id", "tier_id", "week_start", *COLUMNS))
