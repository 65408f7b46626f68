"""The revenue screen's months are added up by the database (`rv.monthly`); the rows behind each
figure come from the per-client ledger (`rv.load_ledger`, `rv.month_figures`). These tests hold
the two to each other, figure by figure and digit by digit ("0" where no event counted, "0.00"
once one did), on hand-made and on random books, and pin the screen's four queries at any size."""

import datetime as dt
import random
from dataclasses import fields
from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.models import Client, RevenueEvent
from clients.tests.factories import ClientFactory, NPSResponseFactory, RevenueEventFactory
from core.weeks import agency_tz, today
from godview import revenue as rv

D = Decimal
ON = dt.date(2026, 6, 15)
KINDS = ("new", "expansion", "contraction", "churn")


def the_old_way(clients, on: dt.date, n: int) -> list[rv.MonthFigures]:
    """Every client's ledger, month by month in Python: the screen's way before the database's."""
    months = rv.last_months(on, n)
    cost, nps = rv.cost_by_month(clients, months), rv.nps_by_month(clients, months)
    return rv.month_figures(rv.load_ledger(clients), months, cost, nps)


def digits(row) -> tuple:
    """A row's values as shown and exported: a Decimal by its text, so 0 and 0.00 differ."""
    values = (getattr(row, f.name) for f in fields(row))
    return tuple(str(v) if isinstance(v, Decimal) else v for v in values)


def assert_same(clients, on: dt.date, n: int) -> None:
    months = rv.last_months(on, n)
    ledger = rv.load_ledger(clients)
    sums, counts = rv.event_sums(clients, months), rv.client_counts(clients, months)
    for m in months:
        expected = rv.ledger_sums(ledger, m)
        # The retention sums by value (only NRR and GRR, ratios, are made of them); the rest by digit.
        assert digits(sums.get(m.key, rv.NO_SUMS)) == digits(expected), m.key
        assert counts[m.key] == rv.ledger_counts(ledger, m), m.key
    assert [digits(r) for r in rv.monthly(clients, on, n)] == [digits(r) for r in the_old_way(clients, on, n)]


def event(client, kind: str, amount: str, on: dt.date) -> RevenueEvent:
    return RevenueEvent(client=client, kind=kind, amount=D(amount), occurred_on=on, note="")


def book_client(am, name: str, start: dt.date, churned: dt.date | None = None) -> Client:
    stage, reason = ("churned", "price") if churned else ("adopting", "")
    return ClientFactory(
        account_manager=am, name=name, started_on=start, churned_on=churned, lifecycle_stage=stage, churn_reason=reason
    )


def random_book(am, seed: int, n: int = 40) -> None:
    """`n` clients with events of every kind on random days: before their start and after today,
    on the first and last day of a month and a year before, contraction past the MRR (a balance
    below 0), expansion then churn of it all, churned clients (on their first day, even before it),
    and clients with no event at all."""
    rng = random.Random(seed)
    edges = [ON, ON - rv.YEAR, ON + rv.DAY, dt.date(2026, 6, 1), dt.date(2026, 5, 31), dt.date(2025, 6, 1)]
    events = []
    for i in range(n):
        start = ON - dt.timedelta(days=rng.randrange(-40, 900))
        gap = rng.choice([0, -3, *[rng.randrange(20, 700)] * 4])  # now and then churned the day it started, or before
        churned = start + dt.timedelta(days=gap) if rng.random() < 0.35 else None
        client = book_client(am, f"random-{seed}-{i}", start, churned)
        for _ in range(rng.randrange(0, 6)):
            day = rng.choice(edges) if rng.random() < 0.3 else start + dt.timedelta(days=rng.randrange(-30, 800))
            amount = f"{rng.randrange(0, 5000)}.{rng.randrange(0, 100):02d}"
            events.append(event(client, rng.choice(KINDS), amount, day))
        if churned and rng.random() < 0.7:
            events.append(event(client, "churn", f"{rng.randrange(100, 6000)}.50", churned))
    RevenueEvent.objects.bulk_create(events)


@pytest.fixture
def four_clients(am) -> None:
    """test_revenue_figures' four clients, in the database."""
    book = [
        ("A", "2025-01-10", None, [("2025-01-10", "new", "1000"), ("2026-03-01", "expansion", "500")]),
        ("B", "2025-02-01", None, [("2025-02-01", "new", "2000"), ("2025-12-15", "contraction", "400")]),
        ("C", "2025-03-01", "2026-05-20", [("2025-03-01", "new", "800"), ("2026-05-20", "churn", "800")]),
        ("D", "2025-09-01", None, [("2025-09-01", "new", "600")]),
    ]
    for name, start, churned, events in book:
        day = dt.date.fromisoformat
        client = book_client(am, name, day(start), churned and day(churned))
        for on, kind, amount in events:
            RevenueEventFactory(client=client, kind=kind, amount=D(amount), occurred_on=day(on))


@pytest.mark.django_db
def test_the_databases_months_are_the_hand_counted_figures(four_clients, settings):
    settings.GROSS_MARGIN, settings.CHURN_RATE_FLOOR = D("0.55"), D("0.005")
    may, june = rv.monthly(Client.objects.all(), ON, 2)
    assert (june.mrr, june.added, june.removed) == (D("3700"), D("0"), D("0"))
    assert str(june.added) == "0.00"  # no event in June, but the clients have had some: as the ledger reads
    assert june.nrr == pytest.approx(3100 / 3800) and june.grr == pytest.approx(2600 / 3800)
    assert june.clv == D("24420.00")
    assert (may.churned, may.active_at_start, may.logo_churn) == (1, 4, 0.25)
    assert (may.added, may.removed) == (D("0"), D("800"))


@pytest.mark.django_db
def test_the_databases_months_equal_the_ledgers_on_hand_made_clients(four_clients):
    assert_same(Client.objects.all(), ON, 24)
    assert_same(Client.objects.filter(name__in=["B", "C"]), ON, 12)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_databases_months_equal_the_ledgers_on_random_books(am, other_am, seed):
    random_book(am, seed)
    random_book(other_am, seed + 100, n=15)
    for on in (ON, ON + dt.timedelta(days=16), dt.date(2026, 1, 1)):
        assert_same(Client.objects.all(), on, 24)
    assert_same(Client.objects.filter(account_manager__pod=other_am.pod), ON, 6)


@pytest.mark.django_db
def test_a_pod_leads_scope_sums_only_the_pods_clients(am, other_am, pod_lead):
    random_book(am, 7, n=10)
    random_book(other_am, 8, n=10)
    scoped = Client.objects.for_revenue(pod_lead)
    assert scoped.count() == 10
    assert_same(scoped, ON, 12)
    assert rv.monthly(scoped, ON, 12) != rv.monthly(Client.objects.all(), ON, 12)


@pytest.mark.django_db
def test_no_client_no_event_and_a_scope_that_holds_nobody_read_as_the_ledger(am):
    assert_same(Client.objects.all(), ON, 3)  # no client
    ClientFactory(account_manager=am, started_on=ON - rv.YEAR)
    assert_same(Client.objects.all(), ON, 3)  # a client without events
    nobody = Client.objects.for_revenue(UserFactory(role=Role.FINANCE, is_active=False))
    assert rv.event_sums(nobody, rv.last_months(ON, 3)) == {}
    assert [digits(r) for r in rv.monthly(nobody, ON, 3)] == [digits(r) for r in the_old_way(nobody, ON, 3)]


@pytest.mark.django_db
def test_cost_and_nps_months_are_unchanged_by_the_sums(am, settings):
    from tasks.models import TimeEntry

    settings.BLENDED_COST_RATE = D("45")
    random_book(am, 5, n=8)
    client = Client.objects.first()
    noon = dt.datetime.combine(today(), dt.time(12), tzinfo=agency_tz())
    TimeEntry.objects.create(user=am, client=client, started_at=noon, hours=D("2"))
    NPSResponseFactory(client=client, score=3, responded_on=today())
    assert_same(Client.objects.all(), today(), 12)


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "months"), [(2, 6), (30, 24)])
def test_the_screens_months_cost_four_queries_at_any_size(am, size, months, django_assert_num_queries):
    random_book(am, size, n=size)
    clients = Client.objects.all()
    # the revenue events' sums per month; the clients' counts per month; the cost of hours; NPS
    with django_assert_num_queries(4):
        rv.monthly(clients, ON, months)
