"""/revenue/'s cost of hours reads the closed months from their monthly rollup (tasks.MonthlyHours)
and this month from its time entries: the same figures as the entries summed by hand, at the
person's cost rate of the day; hours logged late for a closed month arrive with the nightly run."""

import datetime as dt
from decimal import Decimal as D

import pytest

from clients.models import Client
from clients.tests.factories import ClientFactory
from core.weeks import agency_tz, month_first, today
from godview import revenue as rv
from godview.rollup import nightly_rollup
from tasks.hours import refresh_months
from tasks.models import MonthlyHours, TimeEntry

pytestmark = pytest.mark.django_db


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=agency_tz())


def cost_of(months: list[rv.Month]) -> dict[str, D]:
    return rv.cost_by_month(Client.objects.all(), months)


@pytest.fixture
def entries(am, other_am, settings):
    """Hours in the month before this one and in this one, by two people and nobody."""
    settings.BLENDED_COST_RATE = D("45")
    am.cost_rate, other_am.cost_rate = D("50"), None  # the other at the blended rate
    am.save()
    other_am.save()
    a, b = ClientFactory(account_manager=am), ClientFactory(account_manager=other_am)
    last_month = month_first(today()) - dt.timedelta(days=1)  # its last day
    TimeEntry.objects.create(user=am, client=a, started_at=noon(last_month), hours=D("2"))
    TimeEntry.objects.create(user=am, client=b, started_at=noon(last_month - dt.timedelta(days=3)), hours=D("1.5"))
    TimeEntry.objects.create(user=other_am, client=a, started_at=noon(last_month), hours=D("4"))
    TimeEntry.objects.create(user=None, client=b, started_at=noon(last_month), hours=D("1"))
    TimeEntry.objects.create(user=am, client=a, started_at=noon(today()), hours=D("3"))
    refresh_months(last_month, today())
    return am


def test_closed_months_come_from_the_rollup_and_equal_the_entries_by_hand(entries):
    months = rv.last_months(today(), 2)
    cost = cost_of(months)
    # By hand: last month (2 + 1.5) × 50 + 4 × 45 + 1 × 45 = 400; this month 3 × 50 = 150.
    assert cost[months[0].key] == D("400") and cost[months[1].key] == D("150")
    rolled = MonthlyHours.objects.get(user=entries, client__account_manager=entries, month=months[0].first)
    assert rolled.hours == D("2")
    # The rollup is what is read for the closed month: an entry it has not summed is not counted yet.
    TimeEntry.objects.create(user=entries, client=rolled.client, started_at=noon(months[0].as_of), hours=D("10"))
    assert cost_of(months)[months[0].key] == D("400")
    # This month is read live: an entry logged now counts at once.
    TimeEntry.objects.create(user=entries, client=rolled.client, started_at=noon(today()), hours=D("1"))
    assert cost_of(months)[months[1].key] == D("200")


def test_a_change_of_cost_rate_reprices_the_closed_months_too(entries):
    months = rv.last_months(today(), 2)
    entries.cost_rate = D("60")
    entries.save()
    assert cost_of(months)[months[0].key] == D("3.5") * 60 + D("4") * 45 + D("1") * 45


def test_hours_logged_late_for_a_closed_month_arrive_with_the_nightly_run(entries):
    months = rv.last_months(today(), 2)
    late = TimeEntry.objects.create(
        user=entries, client=Client.objects.first(), started_at=noon(months[0].as_of), hours=D("10")
    )
    assert late.recorded_at.date() >= today() - dt.timedelta(days=1)  # recorded now: late data
    nightly_rollup()
    assert cost_of(months)[months[0].key] == D("400") + D("10") * 50
