"""Every workspace form while Redis is down: it saves (the one-time token lives in the database,
not the cache), refuses a double submit, and loses nothing that was saved before."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import reverse

from clients.models import (
    Client,
    Contact,
    Experiment,
    KickoffItem,
    NPSResponse,
    Objective,
    QuarterlyReview,
    RevenueEvent,
    RiskAssessment,
    Tactic,
    WaitingPeriod,
    WeeklyGoal,
)
from clients.tests.conftest import HTMX, token
from clients.tests.factories import WeeklyGoalFactory
from clients.views import KINDS
from core.weeks import quarter_of, today, week_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, client):
    """The cache points at a port where nothing listens (the shared Redis is never touched)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    cache.close()
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an exception
    with pytest.raises(Exception):  # noqa: B017,PT011 - any redis-py error: it really is down
        cache.get("anything")
    yield
    cache.close()


def monday(weeks: int = 0) -> dt.date:
    return week_start(today()) + dt.timedelta(weeks=weeks)


ON = today().isoformat()
# kind: (who may write it, a valid submission, how to find what it saved)
KIND_CASES: dict[str, tuple[str, dict, Callable]] = {
    "contact": (
        "am",
        {"contacted_on": ON, "channel": "call", "who": "Dana", "summary": "Down-time call", "sentiment": "neutral"},
        lambda: Contact.objects.filter(summary="Down-time call"),
    ),
    "risk": (
        "am",
        {"score": "2", "communication_level": "2", "reasons": ["low_usage"], "note": "Down-time risk"},
        lambda: RiskAssessment.objects.filter(note="Down-time risk"),
    ),
    "goal": (
        "am",
        {"title": "Down-time goal", "week": monday(1).isoformat(), "shared_with_client": "on"},
        lambda: WeeklyGoal.objects.filter(title="Down-time goal"),
    ),
    "objective": (
        "am",
        {
            "title": "Down-time objective",
            "metric": "Leads",
            "baseline": "0",
            "target": "10",
            "current_value": "1",
            "start_date": ON,
            "due_date": (today() + dt.timedelta(days=90)).isoformat(),
            "origin": "quarter",
        },
        lambda: Objective.objects.filter(title="Down-time objective"),
    ),
    "nps": (
        "am",
        {"score": "9", "responded_on": ON, "comment": "Down-time NPS"},
        lambda: NPSResponse.objects.filter(comment="Down-time NPS"),
    ),
    "tactic": (
        "am",
        {"title": "Down-time tactic", "started_on": ON},
        lambda: Tactic.objects.filter(title="Down-time tactic"),
    ),
    "experiment": (
        "designer",
        {"title": "Down-time experiment", "started_on": ON},
        lambda: Experiment.objects.filter(title="Down-time experiment"),
    ),
    "revenue": (
        "leader",
        {"kind": "expansion", "amount": "100", "occurred_on": ON, "note": "Down-time expansion"},
        lambda: RevenueEvent.objects.filter(note="Down-time expansion"),
    ),
    "waiting": (
        "am",
        {"waiting_for": "Down-time sign-off", "started_on": ON},
        lambda: WaitingPeriod.objects.filter(waiting_for="Down-time sign-off"),
    ),
    "agreement": (
        "am",
        {"signed_on": ON, "response_days": "3"},
        lambda: Client.objects.filter(expectation_agreement_signed_on=ON, agreed_response_days=3),
    ),
    "kickoff": (
        "am",
        {"text": "Down-time quick win"},
        lambda: KickoffItem.objects.filter(text="Down-time quick win"),
    ),
}


def test_the_cases_cover_every_form_kind():
    assert set(KIND_CASES) == set(KINDS)


def answer_ok(response, what: str) -> None:
    """No 5xx but a deliberate 503 that says why in the form region."""
    if response.status_code == 503:
        assert "try again" in response.content.decode().lower(), what
    else:
        assert response.status_code < 500, what


@pytest.mark.parametrize("kind", sorted(KIND_CASES))
def test_every_client_form_saves_while_redis_is_down_and_refuses_a_double_submit(
    client, world, personas, redis_down, kind
):
    who, data, saved = KIND_CASES[kind]
    client.force_login(personas[who])
    url = reverse("workspace_form", kwargs={"pk": world.client.pk, "kind": kind})
    payload = {**data, "form_token": token()}
    first = client.post(url, payload, **HTMX)
    answer_ok(first, kind)
    assert first.status_code == 200, first.content.decode()[:500]
    assert saved().count() == 1
    again = client.post(url, payload, **HTMX)
    assert again.status_code == 409
    assert saved().count() == 1


def test_every_goal_objective_kickoff_tactic_experiment_and_review_write_works_while_redis_is_down(
    client, world, personas, redis_down
):
    acme = world.client
    done_goal = WeeklyGoalFactory(client=acme, title="To do")
    cancel_goal = WeeklyGoalFactory(client=acme, title="To cancel")
    before = {
        "goals": set(WeeklyGoal.objects.values_list("pk", "title", "deadline")),
        "objectives": set(Objective.objects.values_list("pk", "title", "baseline", "target")),
        "reviews": set(QuarterlyReview.objects.values_list("pk", "year", "quarter")),
    }
    year, quarter = quarter_of(today())
    review_url = reverse("client_review", kwargs={"pk": acme.pk, "year": year, "quarter": quarter})
    writes = [
        ("am", reverse("goal_done", kwargs={"pk": done_goal.pk}), {}),
        ("am", reverse("goal_postpone", kwargs={"pk": world.goal.pk}),
         {"reason": "Client away", "target_week": monday(1).isoformat(), "form_token": token()}),
        ("am", reverse("goal_cancel", kwargs={"pk": cancel_goal.pk}), {"reason": "Not needed", "form_token": token()}),
        ("am", reverse("objective_progress", kwargs={"pk": world.objective.pk}),
         {"current_value": "3", "form_token": token()}),
        ("am", reverse("kickoff_toggle", kwargs={"pk": world.kickoff.pk}), {"done": "1"}),
        ("am", reverse("tactic_close", kwargs={"pk": world.tactic.pk}),
         {"outcome": "win", "ended_on": ON, "form_token": token()}),
        ("designer", reverse("experiment_close", kwargs={"pk": world.experiment.pk}),
         {"outcome": "win", "ended_on": ON, "confidence": "99", "form_token": token()}),
        ("am", review_url, {"action": "draft", "main_contact": "Dana (CMO)", "form_token": token()}),
        ("am", review_url, {"action": "submit", "main_contact": "Dana (CMO)", "form_token": token()}),
    ]  # fmt: skip
    for who, url, data in writes:
        client.force_login(personas[who])
        response = client.post(url, data, **HTMX)
        answer_ok(response, url)
        assert response.status_code == 200, (url, response.content.decode()[:500])

    assert WeeklyGoal.objects.get(pk=done_goal.pk).status == "done"
    assert WeeklyGoal.objects.get(pk=world.goal.pk).status == "postponed"
    assert WeeklyGoal.objects.filter(carried_over_from__original=world.goal).exists()
    assert WeeklyGoal.objects.get(pk=cancel_goal.pk).status == "cancelled"
    assert Objective.objects.get(pk=world.objective.pk).current_value == 3
    assert KickoffItem.objects.get(pk=world.kickoff.pk).done_on == today()
    assert Tactic.objects.get(pk=world.tactic.pk).outcome == "win"
    assert Experiment.objects.get(pk=world.experiment.pk).outcome == "win"
    review = QuarterlyReview.objects.get(client=acme, year=year, quarter=quarter)
    assert (review.status, review.main_contact) == ("submitted", "Dana (CMO)")
    # Nothing saved before was lost or changed behind the forms' backs.
    assert before["goals"] <= set(WeeklyGoal.objects.values_list("pk", "title", "deadline"))
    assert before["objectives"] <= set(Objective.objects.values_list("pk", "title", "baseline", "target"))
    assert before["reviews"] <= set(QuarterlyReview.objects.values_list("pk", "year", "quarter"))
