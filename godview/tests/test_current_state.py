"""Each client's current state (latest risk score, last contact, open early warnings) is stored on
the client when its rows are written and by the nightly rollup; the God-view's figures and the
client list read it instead of probing every client's history (issue 19)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client, Contact, EarlyWarning, RiskAssessment, Tier, refresh_current_state
from clients.services import contact_log, risk_assessment_record
from clients.tests.factories import ClientFactory, ContactFactory, RiskAssessmentFactory
from core.weeks import today
from godview.forms import Filters
from godview.rollup import rollup_day
from godview.selectors import client_figures, client_list, risk_distribution

pytestmark = pytest.mark.django_db
HISTORY_TABLES = ("clients_riskassessment", "clients_contact", "clients_earlywarning")


def state(client: Client) -> tuple:
    client.refresh_from_db()
    return client.latest_risk_score, client.latest_contact_on, client.open_warning_count


def test_writing_an_assessment_a_contact_or_a_warning_updates_the_clients_state(am):
    client = ClientFactory(account_manager=am)
    assert state(client) == (None, None, 0)
    risk_assessment_record(client=client, score=2, communication_level=3, reasons=["low_usage"], by=am)
    RiskAssessmentFactory(client=client, score=4, assessed_at=timezone.now() - dt.timedelta(days=30))  # older
    contact_log(
        client=client,
        contacted_on=today() - dt.timedelta(days=3),
        channel="call",
        who="Dana",
        summary="Check-in.",
        sentiment="neutral",
        by=am,
    )
    ContactFactory(client=client, contacted_on=today() - dt.timedelta(days=9))  # older: not the last
    EarlyWarning.objects.create(client=client, rule="stale_contact", reason="quiet", fired_on=today())
    EarlyWarning.objects.create(client=client, rule="low_risk_score", reason="low", fired_on=today())
    assert state(client) == (2, today() - dt.timedelta(days=3), 2)
    warning = EarlyWarning.objects.get(client=client, rule="stale_contact")
    warning.resolved_on = today()
    warning.save()
    assert state(client) == (2, today() - dt.timedelta(days=3), 1)


def test_bulk_writes_are_caught_up_by_a_refresh_and_by_the_nightly_rollup(am):
    clients = [ClientFactory(account_manager=am, started_on=today() - dt.timedelta(days=400)) for _ in range(3)]
    RiskAssessment.objects.bulk_create(
        RiskAssessment(client=c, score=n + 1, communication_level=3, reasons=["other"], assessed_at=timezone.now())
        for n, c in enumerate(clients)
    )
    Contact.objects.bulk_create(
        Contact(client=c, contacted_on=today() - dt.timedelta(days=n), channel="call", who="x", summary="y")
        for n, c in enumerate(clients)
    )
    assert [state(c)[:2] for c in clients] == [(None, None)] * 3  # bulk writes skip save()
    assert refresh_current_state([clients[0].pk]) == 1
    assert state(clients[0])[:2] == (1, today())
    rollup_day(today())
    for n, c in enumerate(clients):
        open_rows = EarlyWarning.objects.filter(client=c, resolved_on__isnull=True).count()
        assert state(c) == (n + 1, today() - dt.timedelta(days=n), open_rows)
    assert sum(state(c)[2] for c in clients) > 0  # the rollup fired warnings (low risk, stale contact)


def _no_history_probe(run) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries if any(table in q["sql"] for table in HISTORY_TABLES)]


def test_the_figures_and_the_client_list_read_the_stored_state_not_every_clients_history(leader, am):
    for n in range(4):
        client = ClientFactory(account_manager=am)
        RiskAssessmentFactory(client=client, score=1 + n % 4)
        ContactFactory(client=client)
    filters = Filters()
    tiers = list(Tier.objects.all())
    clients = Client.objects.all()
    assert _no_history_probe(lambda: client_figures(clients, filters, tiers)) == []
    assert _no_history_probe(lambda: risk_distribution(clients)) == []
    assert _no_history_probe(lambda: list(client_list(leader, filters, {"sort": "risk"})[:50])) == []
    figures = client_figures(clients, filters, tiers)
    assert figures["at_risk"] == sum(1 for c in clients if c.latest_risk_score is not None and c.latest_risk_score <= 2)
    assert figures["at_risk"] == 2  # by hand: scores 1, 2, 3, 4


def test_the_client_list_costs_the_same_queries_at_two_sizes(client, leader, am):
    client.force_login(leader)
    counts = []
    for size in (5, 40):
        while Client.objects.count() < size:
            RiskAssessmentFactory(client=ClientFactory(account_manager=am), score=2)
        client.get("/clients/")  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/clients/?sort=warnings")
        assert response.status_code == 200
        assert [q for q in ctx.captured_queries if any(t in q["sql"] for t in HISTORY_TABLES[:2])] == []
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_review_queue_pages_fifty_entries_and_exports_them_all(client, leader, am):
    from clients.models import DailySnapshot

    day = today() - dt.timedelta(days=1)
    for n in range(53):  # the AM says low risk (4), the health signal says 1: three apart
        record = ClientFactory(account_manager=am, name=f"Client {n:02}")
        RiskAssessmentFactory(client=record, score=4)
        DailySnapshot.objects.create(client=record, date=day, health_score=1)
    client.force_login(leader)
    first = client.get("/review-queue/").content.decode()
    second = client.get("/review-queue/?page=2").content.decode()
    assert first.count('class="card queue-entry"') == 50 and 'rel="next"' in first
    assert second.count('class="card queue-entry"') == 3 and "Page 2 of 2" in second
    export = client.get("/review-queue/?format=csv")
    assert b"".join(export.streaming_content).decode("utf-8-sig").count("\n") == 54  # a header and every entry
