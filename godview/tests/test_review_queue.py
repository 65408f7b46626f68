"""The review queue is filtered, ordered and paged by the database from each client's stored
current state (the latest assessment and its score, the latest snapshot's health signal and its
date): the same entries, in the same order, as reading every client's history in Python did."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client, DailySnapshot, ReviewDecision, RiskAssessment, refresh_current_state
from clients.scoring import disagrees
from clients.services import risk_assessment_record
from clients.tests.factories import ClientFactory, RiskAssessmentFactory
from core.weeks import today
from godview.review import QueueEntry, review_queue
from godview.rollup import rollup_day
from godview.tests.conftest import build_clients

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
HISTORY_TABLES = ("clients_riskassessment", "clients_dailysnapshot")


def assess(client: Client, score: int, days_ago: int = 0) -> RiskAssessment:
    return RiskAssessmentFactory(client=client, score=score, assessed_at=timezone.now() - dt.timedelta(days=days_ago))


def snap(client: Client, health: int | None, days_ago: int = 1) -> DailySnapshot:
    return DailySnapshot.objects.create(client=client, date=today() - dt.timedelta(days=days_ago), health_score=health)


def by_hand(clients) -> list[tuple]:
    """The queue as it was defined before it was stored: each active client's latest assessment and
    latest snapshot read from its history, `disagrees()`, the decisions and the sort in Python."""
    entries = []
    for c in clients.filter(churned_on__isnull=True):
        risk = c.risk_assessments.order_by("-assessed_at", "-pk").first()
        latest = c.snapshots.order_by("-date").first()
        if risk is None or latest is None or not disagrees(latest.health_score, risk.score):
            continue
        if not ReviewDecision.objects.filter(client=c, assessment=risk).exists():
            entries.append((c.name, risk.pk, risk.score, latest.health_score, latest.date))
    return sorted(entries, key=lambda e: (-abs(e[3] - e[2]), e[2], e[0]))


def in_sql(clients) -> list[tuple]:
    return [(e.client.name, e.assessment_id, e.risk_score, e.health_score, e.as_of) for e in queue(clients)]


def queue(clients) -> list[QueueEntry]:
    return [QueueEntry.of(c) for c in review_queue(clients)]


def stored(client: Client) -> tuple:
    client.refresh_from_db()
    return client.latest_assessment_id, client.latest_risk_score, client.latest_health_score, client.latest_health_on


@pytest.fixture
def mixed(am, other_am, leader) -> dict[str, Client]:
    """Disagreeing, agreeing, decided, churned and half-known clients (pod A's `am`, one in pod B)."""
    names = ["Avon", "Bexley", "Crewe", "Derby", "Ely", "Fife", "Goole", "Hove", "Ilkley", "Kendal", "Leek"]
    c = {name: ClientFactory(account_manager=am, name=name) for name in [*names, "Morley", "Nairn", "Oban", "Poole"]}
    c["Quorn"] = ClientFactory(account_manager=other_am, name="Quorn")
    c["Jarrow"] = ClientFactory(
        account_manager=am, name="Jarrow", lifecycle_stage="churned", churned_on=today(), churn_reason="price"
    )
    for name, risk, health in [
        ("Avon", 4, 1), ("Bexley", 4, 1), ("Crewe", 1, 4), ("Derby", 3, 1), ("Ely", 1, 3),  # 3, 3, 3, 2, 2 apart
        ("Fife", 2, 3), ("Goole", 2, 2), ("Hove", 4, 1), ("Jarrow", 4, 1), ("Quorn", 4, 1),  # agree; decided; churned
    ]:  # fmt: skip
        assess(c[name], risk)
        snap(c[name], health)
    decided = c["Hove"].risk_assessments.get()
    ReviewDecision.objects.create(
        client=c["Hove"], assessment=decided, health_score=1, verdict="risk_score", reason="Checked", decided_by=leader
    )
    # Decided on an older assessment; the newer one still disagrees (2 apart): back in the queue.
    old = assess(c["Ilkley"], 4, days_ago=10)
    ReviewDecision.objects.create(
        client=c["Ilkley"], assessment=old, health_score=1, verdict="risk_score", reason="Then", decided_by=leader
    )
    assess(c["Ilkley"], 3)
    snap(c["Ilkley"], 1)
    assess(c["Kendal"], 4)  # no snapshot
    assess(c["Leek"], 4)
    snap(c["Leek"], 1, days_ago=2)
    snap(c["Leek"], None)  # the latest snapshot has no health signal
    assess(c["Morley"], 4)
    snap(c["Morley"], 4)
    snap(c["Morley"], 1, days_ago=2)  # an older disagreement, saved after the latest day
    assess(c["Nairn"], 4)
    snap(c["Nairn"], 4, days_ago=2)
    snap(c["Nairn"], 1)
    snap(c["Oban"], 1)  # no assessment
    assess(c["Poole"], 1)
    assess(c["Poole"], 4, days_ago=5)  # an older assessment, recorded after the latest one
    snap(c["Poole"], 1)
    return c


def test_the_sql_queue_is_the_python_definition_on_a_mixed_world(mixed, leader, pod_lead):
    everyone = Client.objects.visible_to(leader)
    assert in_sql(everyone) == by_hand(everyone)
    # By hand: 3 apart (the riskier score first, then by name), then 2 apart.
    expected = ["Crewe", "Avon", "Bexley", "Nairn", "Quorn", "Ely", "Derby", "Ilkley"]
    assert [e.client.name for e in queue(everyone)] == expected
    ilkley = next(e for e in queue(everyone) if e.client.name == "Ilkley")
    assert (ilkley.assessment_id, ilkley.risk_score, ilkley.gap) == (mixed["Ilkley"].risk_assessments.first().pk, 3, 2)
    nairn = next(e for e in queue(everyone) if e.client.name == "Nairn")
    assert (nairn.health_score, nairn.as_of) == (1, today() - dt.timedelta(days=1))
    pod_a = Client.objects.visible_to(pod_lead)
    assert in_sql(pod_a) == by_hand(pod_a)
    assert "Quorn" not in [row[0] for row in in_sql(pod_a)]


def test_the_screen_and_the_csv_list_the_queue_in_its_order(client, mixed, leader):
    client.force_login(leader)
    body = client.get("/review-queue/").content.decode()
    names = [row[0] for row in by_hand(Client.objects.all())]
    assert [body.index(f">{name}</a>") for name in names] == sorted(body.index(f">{name}</a>") for name in names)
    assert body.count('class="card queue-entry"') == len(names)
    export = b"".join(client.get("/review-queue/?format=csv").streaming_content).decode("utf-8-sig")
    assert [line.split(",")[0] for line in export.splitlines()[1:]] == names


def test_the_stored_state_follows_assessments_and_snapshots_as_they_are_saved(am):
    record = ClientFactory(account_manager=am, started_on=today() - dt.timedelta(days=400))
    assert stored(record) == (None, None, None, None)
    first = risk_assessment_record(client=record, score=4, communication_level=3, reasons=["low_usage"], by=am)
    assert stored(record) == (first.pk, 4, None, None)
    snap(record, 1)
    assert stored(record) == (first.pk, 4, 1, today() - dt.timedelta(days=1))
    snap(record, 3, days_ago=5)  # older: not the latest
    assess(record, 2, days_ago=3)  # older: not the latest
    assert stored(record) == (first.pk, 4, 1, today() - dt.timedelta(days=1))
    assert [e.client for e in queue(Client.objects.all())] == [record]
    second = risk_assessment_record(client=record, score=2, communication_level=3, reasons=["low_usage"], by=am)
    assert stored(record) == (second.pk, 2, 1, today() - dt.timedelta(days=1))
    assert queue(Client.objects.all()) == []  # 1 apart now


def test_the_nightly_rollup_stores_every_clients_latest_assessment_and_health_signal(am, other_am):
    clients = build_clients(6, [am, other_am])  # bulk inserts: save() is skipped, nothing stored yet
    assert {stored(c) for c in clients} == {(None, None, None, None)}
    rollup_day(today())
    for c in clients:
        risk = c.risk_assessments.order_by("-assessed_at", "-pk").first()
        latest = c.snapshots.get(date=today())
        assert stored(c) == (risk.pk, risk.score, latest.health_score, today())
    everyone = Client.objects.all()
    assert in_sql(everyone) == by_hand(everyone)
    # A later bulk write is caught up by the next night's one UPDATE.
    RiskAssessment.objects.bulk_create(
        RiskAssessment(client=c, score=5 - c.latest_risk_score, communication_level=2, assessed_at=timezone.now())
        for c in clients
    )
    rollup_day(today())
    for c in clients:
        risk = c.risk_assessments.order_by("-assessed_at", "-pk").first()
        assert stored(c)[:2] == (risk.pk, risk.score)
    assert in_sql(everyone) == by_hand(everyone)


def test_a_decision_takes_the_client_out_until_a_new_assessment_and_keeps_its_stored_state(client, am, leader):
    record = ClientFactory(account_manager=am)
    assessment = assess(record, 4)
    snap(record, 1)
    before = stored(record)
    client.force_login(leader)
    response = client.post(
        f"/review-queue/{record.pk}/decide/", {"verdict": "health_signal", "reason": "Usage fell"}, **HX
    )
    assert response.status_code == 200
    decision = ReviewDecision.objects.get(client=record)
    assert (decision.assessment_id, decision.health_score) == (assessment.pk, 1)
    assert stored(record) == before
    assert queue(Client.objects.all()) == []
    again = client.post(f"/review-queue/{record.pk}/decide/", {"verdict": "risk_score", "reason": "x"})
    assert again.status_code == 404
    newer = assess(record, 3)  # still 2 apart: a new assessment is a new question
    assert [(e.client, e.assessment_id) for e in queue(Client.objects.all())] == [(record, newer.pk)]


def test_the_migration_fills_the_stored_state_as_the_refresh_keeps_it(am, other_am):
    clients = build_clients(4, [am, other_am])
    DailySnapshot.objects.bulk_create(
        DailySnapshot(client=c, date=today() - dt.timedelta(days=1), health_score=1 + i % 4)
        for i, c in enumerate(clients)
    )
    migration = importlib.import_module("clients.migrations.0024_client_review_queue_state")
    migration.fill(apps, None)
    filled = [stored(c) for c in clients]
    assert all(row[0] is not None and row[2] is not None for row in filled)
    Client.objects.update(latest_assessment=None, latest_risk_score=None, latest_health_score=None)
    refresh_current_state()
    assert [stored(c) for c in clients] == filled


def add_disagreeing(am, n: int) -> None:
    for _ in range(n):
        record = ClientFactory(account_manager=am)
        RiskAssessment.objects.create(client=record, score=4, communication_level=3, reasons=["other"])
        snap(record, 1)


@pytest.mark.parametrize("size", [5, 120])
def test_the_queue_costs_the_same_queries_at_any_size(client, leader, am, size, django_assert_num_queries):
    add_disagreeing(am, size)
    client.force_login(leader)
    client.get("/goals/")  # the first request after a login also writes the session: not counted
    # session, user, the top bar's open-action count, the queue's COUNT (for the pager), its page
    with django_assert_num_queries(5), CaptureQueriesContext(connection) as ctx:
        assert client.get("/review-queue/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/review-queue/?page=2").status_code == 200
    # session, user, every entry
    with django_assert_num_queries(3):
        response = client.get("/review-queue/?format=csv")
        assert b"".join(response.streaming_content).decode("utf-8-sig").count("\n") == size + 1
    # No client's history is read: the database filters the stored state and returns one page.
    assert [q for q in ctx.captured_queries if any(table in q["sql"] for table in HISTORY_TABLES)] == []
    page = [q["sql"] for q in ctx.captured_queries if '"clients_client"."latest_risk_score" ASC' in q["sql"]]
    assert len(page) == 1 and page[0].endswith(f"LIMIT {min(size, 50)}"), page
