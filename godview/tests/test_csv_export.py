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
    ],
)
def test_formula_like_text_is_defused_and_numbers_are_left_alone(value, written):
    assert safe(value) == written


def test_a_csv_response_streams_the_header_and_the_defused_rows():
    response = csv_response("t.csv", ["name", "mrr"], [["=evil()", Decimal("-10.50")], ["Acme", 5]])
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
    assert response.getvalue().decode().splitlines() == ["name,mrr", "'=evil(),-10.50", "Acme,5"]
