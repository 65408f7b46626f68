"""Every page, partial and POST endpoint of the workspace × every role, with the expected status.

Write scope: AMs for their own clients, pod leads for their pod's, designers experiments for their
pod's, leadership/admin revenue events only; anything else is 404; anonymous users go to login.
"""

import datetime as dt

import pytest
from django.urls import reverse

from clients.tests.conftest import HTMX, token
from core.weeks import quarter_of, today, week_start

ROLES = ("leader", "pod_lead", "am", "other_am", "designer", "admin", "anonymous")
PAGE = {role: 200 for role in ROLES} | {"anonymous": 302}
READ = {"leader": 200, "pod_lead": 200, "am": 200, "other_am": 404, "designer": 200, "admin": 200, "anonymous": 302}
WRITE = {"leader": 404, "pod_lead": 200, "am": 200, "other_am": 404, "designer": 404, "admin": 404, "anonymous": 302}
EXPERIMENT = WRITE | {"designer": 200}
# Leadership may open the goal form to correct a past week (with a reason); this week's goal is the AM's (422).
GOAL_FORM = WRITE | {"leader": 200, "admin": 200}
GOAL_POST = WRITE | {"leader": 422, "admin": 422}
REVENUE = {"leader": 200, "pod_lead": 404, "am": 404, "other_am": 404, "designer": 404, "admin": 200, "anonymous": 302}


def monday(weeks: int = 0) -> str:
    return (week_start(today()) + dt.timedelta(weeks=weeks)).isoformat()


def _form(kind: str, data: dict):
    return lambda w: reverse("workspace_form", kwargs={"pk": w.client.pk, "kind": kind}), data


def _review_url(w) -> str:
    year, quarter = quarter_of(today())
    return reverse("client_review", kwargs={"pk": w.client.pk, "year": year, "quarter": quarter})


# (id, method, url(world), data(world) or None, expected by role)
ENDPOINTS = [
    ("my-clients", "get", lambda w: reverse("my_clients"), None, PAGE),
    ("my-clients-csv", "get", lambda w: reverse("my_clients") + "?format=csv", None, PAGE),
    ("my-week", "get", lambda w: reverse("my_week"), None, PAGE),
    ("reviews-segment", "get", lambda w: reverse("reviews_segment"), None, PAGE),
    ("reviews-segment-csv", "get", lambda w: reverse("reviews_segment") + "?format=csv", None, PAGE),
    ("panel", "get", lambda w: reverse("client_workspace", kwargs={"pk": w.client.pk}), None, READ),
    ("week-summary", "get", lambda w: reverse("week_summary", kwargs={"pk": w.client.pk}), None, READ),
    ("goal-row", "get", lambda w: reverse("goal_row", kwargs={"pk": w.goal.pk}), None, READ),
    ("review-page", "get", _review_url, None, READ),
    ("review-save", "post", _review_url, lambda w: {"action": "draft", "main_contact": "Dana (CMO)"}, WRITE),
    *[
        (
            f"{kind}-form",
            "get",
            lambda w, k=kind: reverse("workspace_form", kwargs={"pk": w.client.pk, "kind": k}),
            None,
            expected,
        )
        for kind, expected in [
            ("contact", WRITE),
            ("risk", WRITE),
            ("goal", GOAL_FORM),
            ("objective", WRITE),
            ("waiting", WRITE),
            ("agreement", WRITE),
            ("kickoff", WRITE),
            ("nps", WRITE),
            ("tactic", WRITE),
            ("experiment", EXPERIMENT),
            ("revenue", REVENUE),
        ]
    ],
    *[
        (
            f"{kind}-post",
            "post",
            lambda w, k=kind: reverse("workspace_form", kwargs={"pk": w.client.pk, "kind": k}),
            lambda w, d=data: d,
            expected,
        )
        for kind, data, expected in [
            (
                "contact",
                {
                    "contacted_on": today().isoformat(),
                    "channel": "call",
                    "who": "Dana",
                    "summary": "Check-in",
                    "sentiment": "positive",
                },
                WRITE,
            ),
            ("risk", {"score": "2", "communication_level": "3", "reasons": ["low_usage"], "note": "Quiet"}, WRITE),
            ("goal", {"title": "Ship the landing page", "week": monday(), "shared_with_client": "on"}, GOAL_POST),
            ("waiting", {"waiting_for": "The brand assets", "started_on": today().isoformat()}, WRITE),
            ("agreement", {"signed_on": today().isoformat(), "response_days": "2"}, WRITE),
            ("kickoff", {"text": "Fix the tracking"}, WRITE),
            (
                "objective",
                {
                    "title": "More leads",
                    "metric": "Leads",
                    "baseline": "10",
                    "target": "20",
                    "current_value": "10",
                    "start_date": today().isoformat(),
                    "due_date": (today() + dt.timedelta(days=90)).isoformat(),
                    "origin": "quarter",
                },
                WRITE,
            ),
            ("nps", {"score": "9", "responded_on": today().isoformat()}, WRITE),
            ("tactic", {"title": "Weekly report", "started_on": today().isoformat()}, WRITE),
            ("experiment", {"title": "Hero copy A/B", "started_on": today().isoformat()}, EXPERIMENT),
            ("revenue", {"kind": "expansion", "amount": "100", "occurred_on": today().isoformat()}, REVENUE),
        ]
    ],
    ("goal-done", "post", lambda w: reverse("goal_done", kwargs={"pk": w.goal.pk}), lambda w: {}, WRITE),
    ("goal-postpone-form", "get", lambda w: reverse("goal_postpone", kwargs={"pk": w.goal.pk}), None, WRITE),
    (
        "goal-postpone",
        "post",
        lambda w: reverse("goal_postpone", kwargs={"pk": w.goal.pk}),
        lambda w: {"reason": "Client away", "target_week": monday(1)},
        WRITE,
    ),
    ("goal-cancel-form", "get", lambda w: reverse("goal_cancel", kwargs={"pk": w.goal.pk}), None, WRITE),
    (
        "goal-cancel",
        "post",
        lambda w: reverse("goal_cancel", kwargs={"pk": w.goal.pk}),
        lambda w: {"reason": "Scope changed"},
        WRITE,
    ),
    (
        "objective-progress-form",
        "get",
        lambda w: reverse("objective_progress", kwargs={"pk": w.objective.pk}),
        None,
        WRITE,
    ),
    (
        "objective-progress",
        "post",
        lambda w: reverse("objective_progress", kwargs={"pk": w.objective.pk}),
        lambda w: {"current_value": "150"},
        WRITE,
    ),
    (
        "kickoff-toggle",
        "post",
        lambda w: reverse("kickoff_toggle", kwargs={"pk": w.kickoff.pk}),
        lambda w: {"done": "1"},
        WRITE,
    ),
    (
        "kickoff-move",
        "post",
        lambda w: reverse("kickoff_move", kwargs={"pk": w.kickoff.pk}),
        lambda w: {"step": "1"},
        WRITE,
    ),
    ("waiting-end-form", "get", lambda w: reverse("waiting_end", kwargs={"pk": w.waiting.pk}), None, WRITE),
    (
        "waiting-end",
        "post",
        lambda w: reverse("waiting_end", kwargs={"pk": w.waiting.pk}),
        lambda w: {"ended_on": today().isoformat()},
        WRITE,
    ),
    ("tactic-close-form", "get", lambda w: reverse("tactic_close", kwargs={"pk": w.tactic.pk}), None, WRITE),
    (
        "tactic-close",
        "post",
        lambda w: reverse("tactic_close", kwargs={"pk": w.tactic.pk}),
        lambda w: {"outcome": "win", "ended_on": today().isoformat()},
        WRITE,
    ),
    (
        "experiment-close-form",
        "get",
        lambda w: reverse("experiment_close", kwargs={"pk": w.experiment.pk}),
        None,
        EXPERIMENT,
    ),
    (
        "experiment-close",
        "post",
        lambda w: reverse("experiment_close", kwargs={"pk": w.experiment.pk}),
        lambda w: {"outcome": "win", "ended_on": today().isoformat(), "confidence": "97"},
        EXPERIMENT,
    ),
]

CASES = [
    pytest.param(method, url, data, role, expected[role], id=f"{name}-{role}")
    for name, method, url, data, expected in ENDPOINTS
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "data", "role", "status"), CASES)
def test_each_endpoint_answers_each_role_with_the_expected_status(
    client, world, personas, method, url, data, role, status
):
    if role != "anonymous":
        client.force_login(personas[role])
    if method == "get":
        response = client.get(url(world), **HTMX)
    else:
        response = client.post(url(world), {**data(world), "form_token": token()}, **HTMX)
    assert response.status_code == status, response.content[:500]
    if status == 302:
        assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_an_unknown_form_kind_is_404(client, world, am):
    client.force_login(am)
    assert client.get(reverse("workspace_form", kwargs={"pk": world.client.pk, "kind": "nope"})).status_code == 404
