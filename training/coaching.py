"""Coaching insight: do the clients of people who passed a module do better? Pure: no ORM.

For each module, the people required to take it split into those who passed its current version
and those who did not; their clients' outcomes are summed per group (sums, never averages of
averages) and compared, each figure with its sample size.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from training.compliance import Matrix, ModuleFacts, Status, ratio


@dataclass
class ClientOutcomes:
    """Outcome sums over one person's clients in the coaching window."""

    clients: int = 0  # clients active at the start of the window
    churned: int = 0  # of those, churned within the window
    goals_due: int = 0
    goals_hit: int = 0
    tasks_due: int = 0
    tasks_on_time: int = 0
    risk_start_sum: int = 0
    risk_start_days: int = 0
    risk_end_sum: int = 0
    risk_end_days: int = 0


@dataclass(frozen=True)
class GroupOutcome:
    people: int
    totals: ClientOutcomes = field(default_factory=ClientOutcomes)

    @property
    def goal_hit_rate(self) -> Decimal | None:
        return ratio(self.totals.goals_hit, self.totals.goals_due)

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.totals.tasks_on_time, self.totals.tasks_due)

    @property
    def churn_rate(self) -> Decimal | None:
        return ratio(self.totals.churned, self.totals.clients)

    @property
    def risk_start(self) -> Decimal | None:
        return _average(self.totals.risk_start_sum, self.totals.risk_start_days)

    @property
    def risk_end(self) -> Decimal | None:
        return _average(self.totals.risk_end_sum, self.totals.risk_end_days)

    @property
    def risk_change(self) -> Decimal | None:
        """End minus start; positive is better (risk 4 is the lowest risk)."""
        if self.risk_start is None or self.risk_end is None:
            return None
        return self.risk_end - self.risk_start


@dataclass(frozen=True)
class ModuleInsight:
    module: ModuleFacts
    passed: GroupOutcome
    not_passed: GroupOutcome

    @property
    def has_data(self) -> bool:
        """Whether either group has any client, goal or task to compare (designers often have none)."""
        return any(g.totals.clients or g.totals.goals_due or g.totals.tasks_due for g in (self.passed, self.not_passed))

    @property
    def groups(self) -> tuple[tuple[str, GroupOutcome], tuple[str, GroupOutcome]]:
        return ((str(_("Passed")), self.passed), (str(_("Not passed")), self.not_passed))

    @property
    def goal_hit_gap(self) -> Decimal | None:
        """Passed minus not passed, in goal hit rate: how much the training goes with delivery."""
        a, b = self.passed.goal_hit_rate, self.not_passed.goal_hit_rate
        return None if a is None or b is None else a - b


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"))


FIELDS = tuple(ClientOutcomes.__dataclass_fields__)


def _group(person_ids: list[int], vectors: dict[int, tuple[int, ...]]) -> GroupOutcome:
    """The group's sums, column by column of the people's outcome vectors (1,250 people, a module
    each: read once, not field by field per module)."""
    columns = zip(*(vectors[pk] for pk in person_ids if pk in vectors), strict=True)
    totals = ClientOutcomes(**dict(zip(FIELDS, map(sum, columns), strict=False)))  # none: the defaults
    return GroupOutcome(people=len(person_ids), totals=totals)


def coaching_insights(matrix: Matrix, outcomes: dict[int, ClientOutcomes]) -> list[ModuleInsight]:
    """One comparison per module, the modules whose passing goes with the biggest hit-rate gain first."""
    vectors = {pk: tuple(getattr(o, name) for name in FIELDS) for pk, o in outcomes.items()}
    insights = []
    for index, module in enumerate(matrix.modules):
        passed, not_passed = [], []
        for row in matrix.rows:
            status = row.cells[index].status
            if status == Status.PASSED:
                passed.append(row.person.id)
            elif status != Status.NOT_REQUIRED:
                not_passed.append(row.person.id)
        insight = ModuleInsight(module, _group(passed, vectors), _group(not_passed, vectors))
        if insight.has_data:
            insights.append(insight)
    return sorted(insights, key=lambda i: (i.goal_hit_gap is None, -(i.goal_hit_gap or 0), i.module.title))
