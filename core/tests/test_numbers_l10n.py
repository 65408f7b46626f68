"""Numbers follow the active language: separators, percent sign, Arabic digits when chosen."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.chart_locale import chart_locale
from core.numbers import grouped, money_text, percent_text, points_text, whole
from core.templatetags.numbers import num


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567.9"), ("fr", "1\xa0234\xa0567,9"), ("ru", "1\xa0234\xa0567,9"), ("ar", "1,234,567.9")],
)
def test_grouping_and_the_decimal_mark_follow_the_language(language, expected):
    with translation.override(language):
        assert grouped(Decimal("1234567.85"), 1) == expected
        assert num(1234567.85, 1) == expected


def test_english_figures_are_unchanged():
    with translation.override("en"):
        assert whole(Decimal("1234.5")) == "1,235"
        assert money_text(12_345) == "12.3k"
        assert money_text(2_500_000) == "2.50M"
        assert money_text(12_345, "USD") == "12.3k USD"
        assert percent_text(Decimal("0.125")) == "13%"
        assert points_text(0.12) == "+12 pts"


def test_arabic_shows_western_digits_unless_the_agency_chooses_arabic_indic(settings):
    with translation.override("ar"):
        assert whole(1234) == "1,234"
        settings.ARABIC_DIGITS = "arabic-indic"
        assert whole(1234) == "١,٢٣٤"
    with translation.override("fr"):
        assert whole(1234) == "1\xa0234"  # only Arabic pages


def test_charts_get_the_languages_month_names_separators_and_direction():
    with translation.override("fr"):
        fr = chart_locale()
    assert fr["months"][0].lower() == "janvier" and fr["separators"] == ",\xa0" and fr["rtl"] is False
    with translation.override("ar"):
        ar = chart_locale()
    assert ar["rtl"] is True and ar["separators"] == ".," and ar["months"][0] != "January"
    with translation.override("ru"):
        assert chart_locale()["shortDays"][0] != "Sun"


def test_a_sign_stays_before_its_number_right_to_left():
    with translation.override("ar"):
        assert whole(-12) == "\u200e-12"
        assert points_text(0.05).startswith("\u200e+5")
    with translation.override("fr"):
        assert whole(-12) == "-12"
