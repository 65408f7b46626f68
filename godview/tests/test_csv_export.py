import datetime as dt
from decimal import Decimal

import pytest

from core.csv_export import csv_response, safe


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("-1.5", "-1.5"),  # a negative number stays a number
        ("-.5", "-.5"),
        ("Acme", "Acme"),
        (Decimal("-3"), Decimal("-3")),
        (None, ""),
        # A minus and a digit, then a formula: starts like a number, is not one.
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("-1+1", "'-1+1"),
        ("+1", "+1"),
        ("-12.5", "-12.5"),
        ("12", "12"),
        ("-1e3", "-1e3"),
        ("-12.5%", "'-12.5%"),
        ("  =1+1", "'  =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("2026-01-05", "2026-01-05"),
        ("A-1", "A-1"),
        ("", ""),
        (-3, -3),
        (-2.5, -2.5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
    ],
)
def test_formula_like_text_is_defused_and_numbers_are_left_alone(value, written):
    assert safe(value) == written


def test_a_csv_response_streams_the_header_and_the_defused_rows():
    response = csv_response("t.csv", ["name", "mrr"], [["=evil()", Decimal("-10.50")], ["Acme", 5]])
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
    assert response.getvalue().decode("utf-8-sig").splitlines() == ["name,mrr", "'=evil(),-10.50", "Acme,5"]


class Named:
    """A model instance in a cell (a user, a client): the CSV writes its str()."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


def test_an_object_whose_name_is_a_formula_is_defused_too():
    assert safe(Named("=cmd|' /C calc'!A0")) == "'=cmd|' /C calc'!A0"
    assert safe(Named("Acme")) == "Acme"


def test_the_csv_keeps_real_numbers_and_defuses_the_disguised_formula():
    rows = [["-2+3+cmd|' /C calc'!A0", Decimal("-12.5"), -3, 2.5, "-12.5"]]
    lines = csv_response("t.csv", ["a", "b", "c", "d", "e"], rows).getvalue().decode("utf-8-sig").splitlines()
    assert lines[1] == "'-2+3+cmd|' /C calc'!A0,-12.5,-3,2.5,-12.5"


def test_every_export_starts_with_a_utf8_bom_so_spreadsheets_read_it_as_utf8():
    body = csv_response("t.csv", ["client"], [["Société Générale"], ["Компания"]]).getvalue()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\xef\xbb\xbf") == 1  # the header only, not every line
    assert body.decode("utf-8-sig").splitlines() == ["client", "Société Générale", "Компания"]
