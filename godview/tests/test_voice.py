"""The voice of the client (issue 20, item 7): the month's top problems counted by hand from risk
reasons, negative contacts and detractor comments; the rows behind each count; the God-view's
region, the weekly digest; and contact sentiment and complaints in the health signal."""

import datetime as dt
from dataclasses import replace

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, DailySnapshot
from clients.scoring import HealthInputs, health_signal
from clients.tests.factories import ClientFactory, ContactFactory, NPSResponseFactory, RiskAssessmentFactory
from clients.voice import top_problems
from core.weeks import today
from godview.alerts import send_weekly_digest
from godview.client_health import health_for
from godview.rollup import rollup_day

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def voices(am, other_am) -> dict[str, Client]:
    """Three clients of `am` and one of `other_am`, each with what they said in (and out of) the window."""
    acme, beta, gamma = (ClientFactory(account_manager=am, name=n) for n in ("Acme", "Beta", "Gamma"))
    theirs = ClientFactory(account_manager=other_am, name="Theirs")
    RiskAssessmentFactory(client=acme, score=2, reasons=["budget_cut", "no_contact"])
    RiskAssessmentFactory(client=beta, score=3, reasons=["budget_cut"])
    RiskAssessmentFactory(client=gamma, score=4, reasons=["budget_cut"])  # lowest risk: no problem
    RiskAssessmentFactory(client=acme, score=1, reasons=["budget_cut"], assessed_at=timezone.now() - dt.timedelta(40))
    ContactFactory(client=acme, sentiment="negative", problem="missed_deliverables", contacted_on=days_ago(3))
    ContactFactory(client=gamma, sentiment="negative", problem="missed_deliverables", contacted_on=days_ago(29))
    ContactFactory(client=beta, sentiment="negative", problem="", contacted_on=days_ago(5))  # other
    ContactFactory(client=beta, sentiment="neutral", contacted_on=days_ago(1))
    NPSResponseFactory(client=gamma, score=4, comment="Deadlines keep slipping", problem="missed_deliverables")
    NPSResponseFactory(client=gamma, score=5, comment="", problem="")  # a detractor without a comment
    NPSResponseFactory(client=beta, score=8, comment="Fine")  # a passive: no complaint
    RiskAssessmentFactory(client=theirs, score=1, reasons=["competitor"])
    return {"acme": acme, "beta": beta, "gamma": gamma, "theirs": theirs}


def test_the_top_problems_are_counted_by_hand_from_the_three_sources(am, other_am):
    voices(am, other_am)
    problems = top_problems(Client.objects.visible_to(am), today())
    got = [(p.code, p.count, p.mentions, [x.name for x in p.clients]) for p in problems]
    assert got == [
        # two contacts (Acme 3 days ago, Gamma 29 days ago) and Gamma's detractor comment
        ("missed_deliverables", 3, {"risk": 0, "contact": 2, "nps": 1}, ["Acme", "Gamma"]),
        # Acme's and Beta's assessments in the window; Gamma's 4 and Acme's 40-day-old one left out
        ("budget_cut", 2, {"risk": 2, "contact": 0, "nps": 0}, ["Acme", "Beta"]),
        # one mention each, then by clients, then by name: No contact before Other
        ("no_contact", 1, {"risk": 1, "contact": 0, "nps": 0}, ["Acme"]),
        ("other", 1, {"risk": 0, "contact": 1, "nps": 0}, ["Beta"]),
    ]
    assert [p.code for p in top_problems(Client.objects.all(), today())][:1] == ["missed_deliverables"]
    assert "competitor" in [p.code for p in top_problems(Client.objects.all(), today())]
    assert len(top_problems(Client.objects.all(), today(), limit=2)) == 2


def test_each_count_links_to_its_rows_and_the_csv_has_them(client, am, other_am):
    voices(am, other_am)
    client.force_login(am)
    region = client.get(reverse("voice_widget"), **HTMX).content.decode()
    assert "<html" not in region and "Theirs" not in region
    assert '?problem=missed_deliverables">3</a>' in region
    assert '?problem=missed_deliverables&amp;source=contact">2</a>' in region
    rows = client.get(reverse("voice_rows") + "?problem=missed_deliverables").content.decode()
    assert "3 mentions from 2 clients" in rows and "Deadlines keep slipping" in rows
    only = client.get(reverse("voice_rows") + "?problem=missed_deliverables&source=nps").content.decode()
    assert "1 mention from 1 clients" in only
    lines = b"".join(client.get(reverse("voice_export") + "?problem=budget_cut").streaming_content).decode("utf-8-sig")
    # newest first; the two assessments share a day, so the later one (Beta's) comes first
    assert [line.split(",")[1:4] for line in lines.splitlines()[1:]] == [
        ["Risk reasons", "Budget cut", "Beta"],
        ["Risk reasons", "Budget cut", "Acme"],
    ]
    assert client.get(reverse("voice_rows") + "?problem=competitor").content.decode().count("Theirs") == 0
    top = (
        b"".join(client.get(reverse("voice_widget") + "?format=csv").streaming_content).decode("utf-8-sig").splitlines()
    )
    assert top[1:3] == ["Missed deliverables,3,0,2,1,2", "Budget cut,2,2,0,0,2"]


def test_the_rows_refuse_a_problem_or_source_they_cannot_use(client, am):
    client.force_login(am)
    assert client.get(reverse("voice_rows")).status_code == 400
    assert client.get(reverse("voice_rows") + "?problem=rude").status_code == 400
    assert client.get(reverse("voice_rows") + "?problem=other&source=twitter").status_code == 400
    assert client.get(reverse("voice_widget") + "?period=9w").status_code == 400


def test_the_god_view_loads_the_region_and_the_digest_lists_the_problems(client, leader, am, other_am):
    voices(am, other_am)
    client.force_login(leader)
    assert reverse("voice_widget") in client.get(reverse("dashboard")).content.decode()
    send_weekly_digest()
    (digest,) = mail.outbox
    assert "Voice of the client" in digest.body
    assert "Missed deliverables: 3 mentions from 2 clients (Acme, Gamma)" in digest.body
    assert "/voice/?problem=missed_deliverables" in digest.body


@pytest.mark.parametrize("size", [1, 6])
def test_the_region_costs_the_same_queries_at_any_size(client, am, other_am, size, django_assert_num_queries):
    for _ in range(size):
        voices(am, other_am)
    client.force_login(am)
    # session, user, risk assessments, negative contacts, detractor comments, the problems'
    # clients (a fragment: no top bar)
    with django_assert_num_queries(6):
        assert client.get(reverse("voice_widget"), **HTMX).status_code == 200


# --- contact sentiment and complaints in the health signal --------------------------------------

CALM = HealthInputs(
    days_since_contact=2,
    stale_after_days=14,
    goal_hit_rate=0.9,
    overdue_tasks=0,
    max_days_overdue=0,
    objectives_behind=0,
    objectives_open=1,
    latest_nps=9,
    waiting_business_days=0,
)


def factor(inputs: HealthInputs, code: str):
    return next(f for f in health_signal(inputs).factors if f.code == code)


def test_sentiment_scores_the_share_of_negative_contacts_and_has_no_data_without_contacts():
    assert factor(CALM, "sentiment").score is None
    cases = {(4, 0): 4, (4, 1): 3, (4, 2): 2, (4, 3): 1, (3, 1): 2}  # a quarter → 3; a half → 2; more → 1
    for (contacts, negative), score in cases.items():
        inputs = replace(CALM, recent_contacts=contacts, negative_contacts=negative)
        assert factor(inputs, "sentiment").score == score, (contacts, negative)
    assert factor(replace(CALM, recent_contacts=4, negative_contacts=1), "sentiment").detail == (
        "1 of 4 contacts negative in 28 days"
    )


def test_complaints_count_negative_contacts_and_detractors_and_move_the_signal():
    assert [factor(replace(CALM, negative_contacts=n), "complaints").score for n in (0, 1, 2, 3, 4)] == [4, 3, 2, 2, 1]
    assert factor(replace(CALM, negative_contacts=1, recent_detractors=3), "complaints").score == 1
    # All seven old factors score 4 here: one complaint-heavy month takes the mean from 4 to
    # (7 × 4 + sentiment 1 + complaints 1) ÷ 9 = 3.33, rounded to 3.
    assert health_signal(CALM).score == 4
    loud = replace(CALM, recent_contacts=2, negative_contacts=2, recent_detractors=2)
    assert health_signal(loud).score == 3


def test_sentiment_and_complaints_count_alike_on_the_page_and_at_night(am):
    acme = ClientFactory(account_manager=am)
    for n, sentiment in enumerate(("negative", "negative", "neutral", "positive")):
        ContactFactory(client=acme, contacted_on=days_ago(n * 8), sentiment=sentiment)  # 0, 8, 16, 24 days ago
    ContactFactory(client=acme, contacted_on=days_ago(30), sentiment="negative")  # outside the 28 days
    NPSResponseFactory(client=acme, score=3, responded_on=days_ago(10))
    health = health_for(acme)
    sentiment = next(f for f in health.factors if f.code == "sentiment")
    complaints = next(f for f in health.factors if f.code == "complaints")
    assert (sentiment.score, sentiment.detail) == (2, "2 of 4 contacts negative in 28 days")  # a half
    assert complaints.score == 2  # two negative contacts and one detractor: 3
    rollup_day(today())
    assert DailySnapshot.objects.get(client=acme, date=today()).health_score == health.score
