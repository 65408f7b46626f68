"""CSV exports: one streaming response for every table, safe to open in a spreadsheet.

Names and notes come from users. Every cell that is not a real number or date is written as
text, and a text cell that a spreadsheet would read as a formula gets a leading quote: one that
begins (after any blank space) with =, +, -, @, a tab or a carriage return, or their full-width
forms, unless the whole cell is a plain number such as "-12.5". "-2+3+cmd|' /C calc'!A0" starts
like a number and is a formula all the same. Every export starts with a UTF-8 byte-order mark so
spreadsheet programs open names in French, Russian or Arabic as written.
"""

import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse

TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
AS_IS = (int, float, Decimal, dt.date, dt.time)  # numbers stay numbers; dates are written ISO


def safe(value: object) -> object:
    """The cell as written: numbers and dates as they are, anything else as defused text."""
    if value is None:
        return ""
    if isinstance(value, AS_IS):
        return value
    text = str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.lstrip(" \u00a0\n")[:1] in TRIGGERS else text


class _Echo:
    def write(self, value: str) -> str:
        return value


BOM = "\ufeff"  # spreadsheet programs read a CSV as UTF-8 only when it starts with one


def csv_response(filename: str, header: list, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    body = (writer.writerow([safe(cell) for cell in row]) for row in rows)
    lines = itertools.chain([BOM + writer.writerow([safe(cell) for cell in header])], body)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
