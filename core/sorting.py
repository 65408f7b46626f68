"""Sortable columns: `?sort=key` orders a list by a column in its natural direction, `?sort=-key`
the other way.

A view names its columns: key → the field that orders it ("-mrr": most first is natural), then
ascending tie-breaks. `ordering` reads the parameter (an unknown column is a 400 with a message)
and gives the `order_by` arguments, empty values last either way and the primary key last so
pages never overlap. The header cell is `{% sort_th label key target %}` (core.templatetags.sorting).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _

from core.params import BadParameter, text


@dataclass(frozen=True)
class Sorted:
    current: str  # the parameter as the next links build on it: "mrr" or "-mrr"
    descending: bool  # the direction the rows actually run
    order: list[OrderBy]


def ordering(params: Mapping, columns: Mapping[str, tuple[str, ...]], default: str) -> Sorted:
    current = text(params, "sort").strip() or default
    key, reversed_ = current.lstrip("-"), current.startswith("-")
    if key not in columns:
        raise BadParameter(_("sort must be one of: %(choices)s.") % {"choices": ", ".join(columns)})
    first, *ties = columns[key]
    descending = first.startswith("-") != reversed_
    field = F(first.lstrip("-"))
    by = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return Sorted(current, descending, [by, *(F(f).asc(nulls_last=True) for f in ties), F("pk").asc()])
