"""Training compliance math (DESIGN "Metric definitions"). Pure: plain facts in, figures out, no ORM.

Training compliance = required modules passed ÷ required modules; a result counts only for the
module's current version (a new version requires retaking). Average test score = the mean score of
current-version results for required modules.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property

from django.utils.translation import gettext_lazy as _

# A newcomer has this long to pass a required module before it counts as overdue.
OVERDUE_AFTER_DAYS = 30


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"
    OUTDATED = "outdated"
    NOT_REQUIRED = "not_required"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.PASSED: _("passed"),
    Status.FAILED: _("failed"),
    Status.MISSING: _("missing"),
    Status.OUTDATED: _("outdated version"),
    Status.NOT_REQUIRED: _("not required"),
}

GAP_STATUSES = frozenset({Status.FAILED, Status.MISSING, Status.OUTDATED})


@dataclass(frozen=True)
class ModuleFacts:
    id: int
    title: str
    category: str
    version: int
    passing_score: int
    required_roles: frozenset[str]

    def is_required_for(self, role: str) -> bool:
        return role in self.required_roles


@dataclass(frozen=True)
class PersonFacts:
    id: int
    name: str
    role: str
    pod_id: int | None = None
    pod_name: str = ""
    hired_on: dt.date | None = None
    role_label: str = ""


@dataclass(frozen=True)
class ResultFacts:
    person_id: int
    module_id: int
    version: int
    score: Decimal
    passed: bool
    completed_on: dt.date | None = None


@dataclass(frozen=True)
class Cell:
    module: ModuleFacts
    status: Status
    score: Decimal | None = None
    completed_on: dt.date | None = None
    overdue: bool = False

    @property
    def is_gap(self) -> bool:
        return self.status in GAP_STATUSES


@dataclass(frozen=True)
class PersonRow:
    person: PersonFacts
    cells: tuple[Cell, ...]

    @cached_property
    def required(self) -> int:
        return sum(1 for c in self.cells if c.status != Status.NOT_REQUIRED)

    @cached_property
    def passed(self) -> int:
        return sum(1 for c in self.cells if c.status == Status.PASSED)

    @cached_property
    def compliance(self) -> Decimal | None:
        return ratio(self.passed, self.required)

    @cached_property
    def gaps(self) -> tuple[Cell, ...]:
        """Modules not passed, overdue ones first: the coaching list's order."""
        gaps = [c for c in self.cells if c.status in GAP_STATUSES]
        return (*(c for c in gaps if c.overdue), *(c for c in gaps if not c.overdue))

    @cached_property
    def overdue(self) -> int:
        return sum(1 for c in self.cells if c.overdue)


@dataclass
class ModuleStats:
    module: ModuleFacts
    required: int = 0
    passed: int = 0
    failed: int = 0
    missing: int = 0
    outdated: int = 0
    overdue: int = 0
    scores: list[Decimal] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.passed + self.failed

    @property
    def completion(self) -> Decimal | None:
        """Share of the people who must take it that passed the current version."""
        return ratio(self.passed, self.required)

    @property
    def pass_rate(self) -> Decimal | None:
        """Share of current-version attempts that passed."""
        return ratio(self.passed, self.attempted)

    @property
    def gaps(self) -> int:
        return self.required - self.passed

    @property
    def average_score(self) -> Decimal | None:
        return mean(self.scores)


@dataclass(frozen=True)
class Matrix:
    modules: tuple[ModuleFacts, ...]
    rows: tuple[PersonRow, ...]
    module_stats: tuple[ModuleStats, ...]

    @cached_property
    def required(self) -> int:
        return sum(r.required for r in self.rows)

    @cached_property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)

    @cached_property
    def compliance(self) -> Decimal | None:
        return ratio(self.passed, self.required)

    @cached_property
    def average_score(self) -> Decimal | None:
        return mean([c.score for r in self.rows for c in r.cells if c.status in (Status.PASSED, Status.FAILED)])

    @cached_property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    def top_gaps(self, limit: int = 5) -> list[ModuleStats]:
        """Modules most missing: most people required but not passed."""
        return top_gaps(self.module_stats, limit)

    def most_behind(self, limit: int = 5) -> list[PersonRow]:
        """People with the most gaps (overdue first), then the lowest compliance."""
        behind = [r for r in self.rows if r.gaps]
        return sorted(behind, key=lambda r: (-r.overdue, -len(r.gaps), r.compliance or 0, r.person.name))[:limit]


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a Decimal fraction, None when there is nothing to divide by."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def mean(values: Sequence[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return (sum(present, Decimal(0)) / len(present)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def is_overdue(person: PersonFacts, status: Status, today: dt.date) -> bool:
    """Still missing or failed more than OVERDUE_AFTER_DAYS after the hire date.

    An outdated result is a retake, not a newcomer's gap: without the date the version changed
    there is no fair deadline, so it is shown as outdated but not as overdue.
    """
    if status not in (Status.MISSING, Status.FAILED) or person.hired_on is None:
        return False
    return (today - person.hired_on).days > OVERDUE_AFTER_DAYS


def cell_for(person: PersonFacts, module: ModuleFacts, results: dict[int, ResultFacts], today: dt.date) -> Cell:
    """The status of one module for one person; `results` maps version → that version's result."""
    current = results.get(module.version)
    if not module.is_required_for(person.role):
        return Cell(module, Status.NOT_REQUIRED, current.score if current else None)
    if current is not None:
        status = Status.PASSED if current.passed else Status.FAILED
        return Cell(module, status, current.score, current.completed_on, is_overdue(person, status, today))
    if any(version < module.version for version in results):
        return Cell(module, Status.OUTDATED)
    return Cell(module, Status.MISSING, overdue=is_overdue(person, Status.MISSING, today))


def build_matrix(
    people: Iterable[PersonFacts],
    modules: Iterable[ModuleFacts],
    results: Iterable[ResultFacts],
    today: dt.date,
) -> Matrix:
    modules = tuple(modules)
    by_person: dict[tuple[int, int], dict[int, ResultFacts]] = defaultdict(dict)
    for result in results:
        by_person[(result.person_id, result.module_id)][result.version] = result
    rows = tuple(
        PersonRow(person, tuple(cell_for(person, m, by_person.get((person.id, m.id), {}), today) for m in modules))
        for person in people
    )
    return Matrix(modules, rows, module_statistics(modules, rows))


@dataclass(frozen=True)
class Totals:
    """A matrix's three headline figures, without its cells (the God-view tile's, counted by the
    database: `training.selectors.compliance_totals`): required modules passed, required modules,
    and the sum and number of the scores the average is the mean of."""

    passed: int
    required: int
    score_sum: Decimal = Decimal(0)
    scored: int = 0

    @property
    def compliance(self) -> Decimal | None:
        return ratio(self.passed, self.required)

    @property
    def average_score(self) -> Decimal | None:
        """As `mean` of the scores: their sum ÷ their number, to one decimal, half up."""
        if not self.scored:
            return None
        return (Decimal(self.score_sum) / self.scored).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ModuleGap:
    """A module's required people in view and how many of them passed its current version."""

    module: ModuleFacts
    required: int
    passed: int

    @property
    def gaps(self) -> int:
        return self.required - self.passed


@dataclass(frozen=True)
class PersonGaps:
    """One person's gaps (required modules not passed) and how many of them are overdue."""

    person: PersonFacts
    required: int
    passed: int
    overdue: int

    @property
    def gaps(self) -> int:
        return self.required - self.passed

    @property
    def compliance(self) -> Decimal | None:
        return ratio(self.passed, self.required)


@dataclass(frozen=True)
class PanelFigures:
    """The God-view's training panel: a matrix's headline figures, counted by the database
    (`training.selectors.panel_figures`), without its cells."""

    people: int
    totals: Totals
    overdue: int
    top_gaps: list[ModuleGap]
    most_behind: list[PersonGaps]


def top_gaps[G: (ModuleGap, ModuleStats)](gaps: Iterable[G], limit: int = 5) -> list[G]:
    """Modules most missing: most people required but not passed (the panel's and the matrix's)."""
    return sorted((g for g in gaps if g.gaps > 0), key=lambda g: (-g.gaps, g.module.title))[:limit]


def most_behind(people: Iterable[PersonGaps], limit: int = 5) -> list[PersonGaps]:
    """People with the most gaps, overdue first, then the lowest compliance (`Matrix.most_behind`'s order)."""
    behind = [p for p in people if p.gaps]
    return sorted(behind, key=lambda p: (-p.overdue, -p.gaps, p.compliance or 0, p.person.name))[:limit]


def module_statistics(modules: tuple[ModuleFacts, ...], rows: tuple[PersonRow, ...]) -> tuple[ModuleStats, ...]:
    """Each module's counts by status (one pass over a module's column of cells)."""
    stats = []
    for index, module in enumerate(modules):
        cells = [row.cells[index] for row in rows if row.cells[index].status is not Status.NOT_REQUIRED]
        counts = Counter(c.status for c in cells)
        stats.append(
            ModuleStats(
                module,
                required=len(cells),
                passed=counts[Status.PASSED],
                failed=counts[Status.FAILED],
                missing=counts[Status.MISSING],
                outdated=counts[Status.OUTDATED],
                overdue=sum(c.overdue for c in cells),
                scores=[c.score for c in cells if c.score is not None],
            )
        )
    return tuple(stats)


@dataclass(frozen=True)
class PodGroup:
    name: str
    rows: tuple[PersonRow, ...]
    people: int
    compliance: Decimal | None


def group_by_pod(page_rows: Sequence[PersonRow], all_rows: Sequence[PersonRow]) -> list[PodGroup]:
    """The page's rows grouped by pod, each group with its whole pod's head count and compliance."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in all_rows:
        total = totals[row.person.pod_name]
        total[0] += 1
        total[1] += row.passed
        total[2] += row.required
    groups: dict[str, list[PersonRow]] = {}
    for row in page_rows:
        groups.setdefault(row.person.pod_name, []).append(row)
    return [
        PodGroup(name, tuple(rows), totals[name][0], ratio(totals[name][1], totals[name][2]))
        for name, rows in groups.items()
    ]


# The rows behind the figures: `?status=` on /training/results/ (issue 18). "scored" are the
# results the average test score is the mean of; "gap" the cells the coaching lists are made of.
RESULT_STATUSES = {
    "passed": frozenset({Status.PASSED}),
    "gap": GAP_STATUSES,
    "scored": frozenset({Status.PASSED, Status.FAILED}),
    "failed": frozenset({Status.FAILED}),
    "missing": frozenset({Status.MISSING}),
    "outdated": frozenset({Status.OUTDATED}),
}


@dataclass(frozen=True)
class ResultRow:
    person: PersonFacts
    cell: Cell


def result_rows(matrix: Matrix, status: str = "", module_id: int | None = None) -> list[ResultRow]:
    """Every required module of every person in the matrix (the cells compliance counts), by pod,
    person and module; narrowed to a RESULT_STATUSES key and to one module."""
    wanted = RESULT_STATUSES.get(status)
    return [
        ResultRow(row.person, cell)
        for row in matrix.rows
        for cell in row.cells
        if cell.status != Status.NOT_REQUIRED
        and (wanted is None or cell.status in wanted)
        and (module_id is None or cell.module.id == module_id)
    ]
