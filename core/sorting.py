"""Sortable columns: `?sort=key` orders a list by a column in its natural direction, `?sort=-key`
the other way.

A view names its columns: key → the field that orders it ("-mrr": most first is natural), then
ascending tie-breaks. `ordering` reads the parameter (an unknown column is a 400 with a message)
and gives the `order_by` arguments, empty values last either way and the primary key last so
pages never overlap. The header cell is `{% sort_th label key target %}` (core.templatetags.sorting).

Rows computed in Python sort with `sorted_rows`: a column is a function giving a row's value and
whether most first is natural; empty (None) values last either way, and rows of equal value keep
the order they came in (so give them in the list's default order). A page with two sortable
tables names the second one's parameter (`name="pods_sort"`).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _

from core.params import BadParameter, text


@dataclass(frozen=True)
class Sorted:
    current: str  # the parameter as the next links build on it: "mrr" or "-mrr"
    descending: bool  # the direction the rows actually run
    order: list[OrderBy]


Column = tuple[Callable[[Any], Any], bool]  # a row's value; True when most first is natural


def _chosen(params: Mapping, columns: Mapping, default: str, name: str) -> tuple[str, str, bool]:
    """(the parameter, its column, whether it asks for the other way); an unknown column is a 400."""
    current = text(params, name).strip() or default
    key = current.lstrip("-")
    if key not in columns:
        raise BadParameter(_("%(name)s must be one of: %(choices)s.") % {"name": name, "choices": ", ".join(columns)})
    return current, key, current.startswith("-")


def ordering(params: Mapping, columns: Mapping[str, tuple[str, ...]], default: str, name: str = "sort") -> Sorted:
    current, key, reversed_ = _chosen(params, columns, default, name)
    first, *ties = columns[key]
    descending = first.startswith("-") != reversed_
    field = F(first.lstrip("-"))
    by = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return Sorted(current, descending, [by, *(F(f).asc(nulls_last=True) for f in ties), F("pk").asc()])


def sorted_rows[T](
    params: Mapping, columns: Mapping[str, Column], default: str, rows: Iterable[T], name: str = "sort"
) -> tuple[Sorted, list[T]]:
    """`ordering` for a list computed in Python: the rows by the chosen column, None last. A list
    whose own order is no column's has the default "": its rows as they came until one is asked for."""
    if not (default or text(params, name).strip()):
        return Sorted("", False, []), list(rows)
    current, key, reversed_ = _chosen(params, columns, default, name)
    value, most_first = columns[key]
    descending = most_first != reversed_
    rows = list(rows)
    known = sorted((r for r in rows if value(r) is not None), key=value, reverse=descending)
    return Sorted(current, descending, []), known + [r for r in rows if value(r) is None]


def kept(params: Mapping, name: str = "sort") -> dict[str, str]:
    """The sort asked for, for the links that keep it (the pages, the CSV); none when the default."""
    value = text(params, name).strip()
    return {name: value} if value else {}
