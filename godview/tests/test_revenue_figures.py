"""The revenue screen's monthly figures, each computed by hand from a small fixture.

Four clients, figures as of 15 June 2026 (twelve months before: 15 June 2025):
  A  from 10 Jan 2025: new 1,000; expansion 500 on 1 Mar 2026            → 1,500 now
  B  from  1 Feb 2025: new 2,000; contraction 400 on 15 Dec 2025         → 1,600 now
  C  from  1 Mar 2025: new 800; churned 20 May 2026 (churn 800)          →     0 now
  D  from  1 Sep 2025: new 600 (not active twelve months before)         →   600 now
"""

import datetime as dt
from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory, NPSResponseFactory, RevenueEventFactory
from core.weeks import agency_tz, today
from godview import revenue as rv
from godview.selectors import mrr_retention

D = Decimal
ON = dt.date(2026, 6, 15)


@pytest.fixture
def ledger() -> rv.Ledger:
    clients = {
        1: rv.ClientFacts(1, dt.date(2025, 1, 10), None),
        2: rv.ClientFacts(2, dt.date(2025, 2, 1), None),
        3: rv.ClientFacts(3, dt.date(2025, 3, 1), dt.date(2026, 5, 20)),
        4: rv.ClientFacts(4, dt.date(2025, 9, 1), None),
    }
    events = {
        1: [(dt.date(2025, 1, 10), "new", D("1000")), (dt.date(2026, 3, 1), "expansion", D("500"))],
        2: [(dt.date(2025, 2, 1), "new", D("2000")), (dt.date(2025, 12, 15), "contraction", D("400"))],
        3: [(dt.date(2025, 3, 1), "new", D("800")), (dt.date(2026, 5, 20), "churn", D("800"))],
        4: [(dt.date(2025, 9, 1), "new", D("600"))],
    }
    return rv.Ledger(clients, events)


def test_mrr_is_the_sum_of_each_clients_events_up_to_the_day(ledger):
    assert [ledger.mrr_on(pk, ON) for pk in (1, 2, 3, 4)] == [D("1500"), D("1600"), D("0"), D("600")]
    assert ledger.mrr_on(1, dt.date(2026, 2, 28)) == D("1000")  # the expansion comes the next day
    assert ledger.mrr_on(4, dt.date(2025, 8, 31)) == D("0")


def test_nrr_and_grr_follow_the_clients_active_twelve_months_before(ledger):
    kept = rv.retention(ledger, ON)
    # A, B and C were active on 15 June 2025 with 1,000 + 2,000 + 800; D had not started.
    assert (kept.clients, kept.mrr_then) == (3, D("3800"))
    assert kept.mrr_now == D("3100")  # 1,500 + 1,600 + 0
    assert kept.lost == D("1200")  # B's contraction 400, C's churn 800; A's expansion left out
    assert kept.nrr == pytest.approx(3100 / 3800)
    assert kept.grr == pytest.approx(2600 / 3800)


def test_logo_churn_of_a_month_is_its_churns_over_the_clients_active_at_its_start(ledger):
    may = rv.Month(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    rows = rv.month_figures(ledger, [may], {}, {})
    assert (rows[0].churned, rows[0].active_at_start) == (1, 4)
    assert rows[0].logo_churn == 0.25
    assert (rows[0].added, rows[0].removed) == (D("0"), D("800"))


def test_clv_is_average_mrr_times_margin_over_monthly_churn(ledger, settings):
    settings.GROSS_MARGIN, settings.CHURN_RATE_FLOOR = D("0.55"), D("0.005")
    # Active on 15 June 2026: A, B, D, average (1,500 + 1,600 + 600) / 3; churn over the year: C of
    # the 3 active a year before, 1/3 ÷ 12 a month: 1,233.33… × 0.55 × 36 = 24,420.
    assert rv.monthly_churn_rate(ledger, ON) == pytest.approx(1 / 36)
    assert rv.clv_on(ledger, ON) == D("24420.00")


def test_clv_uses_the_churn_floor_when_nobody_left(settings):
    settings.GROSS_MARGIN, settings.CHURN_RATE_FLOOR = D("0.5"), D("0.01")
    ledger = rv.Ledger({1: rv.ClientFacts(1, dt.date(2025, 1, 1), None)}, {1: [(dt.date(2025, 1, 1), "new", D("100"))]})
    assert rv.clv_on(ledger, ON) == D("5000.00")  # 100 × 0.5 ÷ 0.01


def test_margin_is_mrr_less_the_cost_of_hours_and_nps_is_promoters_less_detractors(ledger):
    june = rv.Month(dt.date(2026, 6, 1), ON)
    row = rv.month_figures(ledger, [june], {"2026-06": D("1000")}, {"2026-06": (3, 1, 5)})[0]
    assert (row.mrr, row.cost, row.margin) == (D("3700"), D("1000"), D("2700"))
    assert row.nps == 40  # (3 − 1) ÷ 5 × 100
    assert rv.nps_score(0, 0, 0) is None


def test_the_months_end_today_and_a_bad_month_is_refused():
    months = rv.last_months(dt.date(2026, 1, 20), 3)
    assert [m.key for m in months] == ["2025-11", "2025-12", "2026-01"]
    assert months[1].as_of == dt.date(2025, 12, 31)
    assert months[-1].as_of == dt.date(2026, 1, 20)
    assert rv.parse_month("2026-13", ON) is None
    assert rv.parse_month("2026-07", ON) is None  # the future
    assert rv.parse_month("2026-06", ON).as_of == ON


@pytest.mark.django_db
def test_the_loaded_figures_match_the_god_views_nrr_and_count_hours_and_nps(am, settings):
    from tasks.models import TimeEntry

    settings.BLENDED_COST_RATE = D("45")
    day = today()
    year_ago = day - dt.timedelta(days=400)
    a = ClientFactory(account_manager=am, started_on=year_ago, mrr=D("1300"))
    b = ClientFactory(account_manager=am, started_on=year_ago, mrr=D("0"))
    RevenueEventFactory(client=a, kind="new", amount=D("1000"), occurred_on=year_ago)
    RevenueEventFactory(client=a, kind="expansion", amount=D("300"), occurred_on=day - dt.timedelta(days=20))
    RevenueEventFactory(client=b, kind="new", amount=D("500"), occurred_on=year_ago)
    b.lifecycle_stage, b.churned_on, b.churn_reason = "churned", day - dt.timedelta(days=10), "price"
    b.save()
    RevenueEventFactory(client=b, kind="churn", amount=D("500"), occurred_on=day - dt.timedelta(days=10))
    am.cost_rate = D("50")
    am.save()
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=agency_tz())
    TimeEntry.objects.create(user=am, client=a, started_at=noon, hours=D("2"))  # 2 × 50
    TimeEntry.objects.create(user=None, client=a, started_at=noon, hours=D("1"))  # 1 × the blended 45
    for score in (10, 9, 7, 3):
        NPSResponseFactory(client=a, score=score, responded_on=day)

    from clients.models import Client

    clients = Client.objects.all()
    rows = rv.monthly(clients, day, 2)
    last = rows[-1]
    assert (last.nrr, last.grr) == mrr_retention(clients, day)
    assert last.nrr == pytest.approx(1300 / 1500)
    assert last.mrr == D("1300")
    assert last.cost == D("145")
    assert last.margin == D("1155")
    assert last.nps == 25  # 2 promoters − 1 detractor of 4
