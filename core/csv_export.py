"""CSV exports: one streaming response for every table, safe to open in a spreadsheet.

Names and notes come from users; a text cell that a spreadsheet would read as a formula
(=, +, @, a tab, a carriage return, or a minus not starting a number) gets a leading quote.
"""

import csv
import re
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?![\d.]))")


def safe(value: object) -> object:
    """The cell as written: numbers as they are, formula-like text defused."""
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return "" if value is None else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: list, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    lines = (writer.writerow([safe(cell) for cell in row]) for row in [header, *rows])
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
