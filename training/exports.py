"""The compliance matrix as CSV rows (core.csv_export defuses formulas). Pure: no ORM."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.models import Role
from core.numbers import percent
from training.compliance import Matrix, ResultRow, Status


def cell_text(status: Status, score) -> str:
    if status in (Status.PASSED, Status.FAILED):
        return f"{status.label} {score}"
    return status.label


def matrix_rows(matrix: Matrix) -> Iterator[list[str]]:
    modules = [f"{m.title} (v{m.version})" for m in matrix.modules]
    yield [_("Person"), _("Pod"), _("Role"), *modules, _("Required"), _("Passed"), _("Compliance %"), _("Overdue")]
    for row in matrix.rows:
        person = row.person
        role = Role(person.role).label if person.role in Role.values else person.role
        cells = [cell_text(c.status, c.score) + (f" ({_('overdue')})" if c.overdue else "") for c in row.cells]
        compliance = percent(row.compliance)
        yield [
            person.name,
            person.pod_name,
            str(role),
            *cells,
            str(row.required),
            str(row.passed),
            "" if compliance is None else str(compliance),
            str(row.overdue),
        ]


def result_lines(rows: list[ResultRow]) -> Iterator[list]:
    yield [
        _("person"),
        _("pod"),
        _("module"),
        _("version"),
        _("status"),
        _("test score"),
        _("completed on"),
        _("overdue"),
    ]
    for r in rows:
        cell = r.cell
        yield [
            r.person.name,
            r.person.pod_name,
            cell.module.title,
            cell.module.version,
            cell.status.label,
            "" if cell.score is None else cell.score,
            cell.completed_on or "",
            _("yes") if cell.overdue else _("no"),
        ]
