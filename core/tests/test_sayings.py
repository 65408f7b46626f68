"""Sentences kept as data are said in the reader's language, with the plural form its number takes."""

import datetime as dt
import json
from decimal import Decimal

from django.utils import translation

from core.sayings import day, said, said_in_english, say, say_plural

STALE = say("%(days)s days since the last contact (%(tier)s limit: %(limit)s)", days=21, tier="Premium", limit=7)
NO_GOAL = "No goal of the week of %(week)s serves its open objective"
NO_GOALS = "No goal of the week of %(week)s serves any of its %(n)s open objectives"


def test_a_saying_is_plain_json_and_said_in_each_language():
    saying = json.loads(json.dumps([STALE, say("(+%(n)s more)", n=2)]))
    assert said_in_english(saying) == "21 days since the last contact (Premium limit: 7) (+2 more)"
    with translation.override("fr"):
        assert said(saying) == "21 jours depuis le dernier contact (limite Premium : 7) (+2 de plus)"
    with translation.override("ru"):
        assert said(saying).startswith("21 дн. с последнего контакта (предел для уровня Premium: 7)")


def test_a_value_can_be_a_translated_word_and_dates_and_decimals_are_stored_as_text():
    saying = say("Risk score %(score)s (%(word)s), assessed %(date)s", score=2, word=say("High"),
                 date=dt.date(2026, 11, 3))  # fmt: skip
    assert saying["v"]["date"] == "2026-11-03" and say("x", n=Decimal("1.50"))["v"]["n"] == "1.50"
    assert said_in_english(saying) == "Risk score 2 (High), assessed 2026-11-03"
    with translation.override("fr"):
        assert "(Élevé)" in said(saying) or "(Élevée)" in said(saying), said(saying)


def test_the_plural_form_follows_the_number_in_arabic():
    with translation.override("ar"):
        one, two, five = (said(say_plural(NO_GOAL, NO_GOALS, "n", week="x", n=n)) for n in (1, 2, 5))
    assert "يخدم هدف 90 يومًا المفتوح" in one and "هدفَي" in two and "المفتوحة الـ5" in five
    assert said_in_english(say_plural(NO_GOAL, NO_GOALS, "n", week="30 Nov", n=1)).endswith("its open objective")
    assert said_in_english(say_plural(NO_GOAL, NO_GOALS, "n", week="30 Nov", n=3)).endswith("its 3 open objectives")


def test_a_day_is_said_with_the_readers_month_names():
    saying = say("No open objective for the goals of the week of %(week)s to serve: set this quarter's",
                 week=day(dt.date(2026, 11, 30)))  # fmt: skip
    assert "week of 30 Nov to serve" in said_in_english(saying)
    with translation.override("ru"):
        assert "30 Ноя" in said(saying)
