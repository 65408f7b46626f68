"""Small display filters for the training templates: risk-change words, signed differences, matrix cells.
Percentages are `core`'s (`{% load numbers %}`)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.numbers import half_up, signed_safe
from training.compliance import Cell, Status

register = template.Library()


@register.filter
def risk_change_word(value: Decimal | None) -> str:
    """Risk 4 is the lowest risk, so a rising average is an improvement."""
    if value is None:
        return ""
    if value >= Decimal("0.1"):
        return _("improving")
    if value <= Decimal("-0.1"):
        return _("worsening")
    return _("steady")


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return signed_safe(f"{value:+.1f}")


CELL_MARKS = {Status.PASSED: "✓", Status.FAILED: "✗"}


@register.simple_tag
def matrix_cell(cell: Cell) -> str:
    """One matrix cell, colour AND a word or score. A tag, not an include: 5,000 cells render in milliseconds."""
    score = "" if cell.score is None else str(half_up(cell.score))
    overdue = _("overdue")
    title = f"{cell.module.title}: {cell.status.label}" + (f" · {score}" if score else "")
    if cell.overdue:
        title += f" · {overdue}"
    if cell.status in CELL_MARKS:
        body = format_html(
            '<span aria-hidden="true">{}</span>{}<span class="visually-hidden"> {}</span>',
            CELL_MARKS[cell.status],
            score,
            cell.status.label,
        )
    elif cell.status == Status.MISSING:
        body = format_html("{}", cell.status.label)
    else:
        short = _("old v.") if cell.status == Status.OUTDATED else _("n/r")
        body = format_html('{}<span class="visually-hidden"> ({})</span>', short, cell.status.label)
    if cell.overdue:
        body = format_html(
            '{}<span class="overdue-mark" aria-hidden="true">!</span><span class="visually-hidden">, {}</span>',
            body,
            overdue,
        )
    classes = f"tcell tcell-{cell.status}" + (" tcell-overdue" if cell.overdue else "")
    return format_html('<td class="{}" title="{}">{}</td>', classes, title, body)
