"""Property: whatever an AM posts to any workspace form, the answer is never a 5xx."""

import uuid

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.forms import (
    CancelForm,
    CloseExperimentForm,
    CloseForm,
    ContactForm,
    ExperimentForm,
    GoalForm,
    NPSForm,
    ObjectiveForm,
    PostponeForm,
    ProgressForm,
    ReviewForm,
    RiskForm,
    TacticForm,
)
from clients.tests.conftest import HTMX

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=4001, max_size=4100),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", " ", "\x00", "call", "win", "churn", "low_usage", "1", "4", "0", "99", "2026-02-30"]),
)


def fields_of(form_class) -> list[str]:
    names = list(form_class.base_fields)
    return [n for n in names if n != "form_token"] or ["noise"]


def endpoints(world) -> list[tuple[str, list[str]]]:
    def form(kind: str) -> str:
        return reverse("workspace_form", kwargs={"pk": world.client.pk, "kind": kind})

    return [
        (form("contact"), fields_of(ContactForm)),
        (form("risk"), fields_of(RiskForm)),
        (form("goal"), fields_of(GoalForm)),
        (form("objective"), fields_of(ObjectiveForm)),
        (form("nps"), fields_of(NPSForm)),
        (form("tactic"), fields_of(TacticForm)),
        (form("experiment"), fields_of(ExperimentForm)),
        (reverse("goal_postpone", kwargs={"pk": world.goal.pk}), fields_of(PostponeForm)),
        (reverse("goal_cancel", kwargs={"pk": world.goal.pk}), fields_of(CancelForm)),
        (reverse("goal_done", kwargs={"pk": world.goal.pk}), ["noise"]),
        (reverse("objective_progress", kwargs={"pk": world.objective.pk}), fields_of(ProgressForm)),
        (reverse("kickoff_toggle", kwargs={"pk": world.kickoff.pk}), ["noise"]),
        (reverse("tactic_close", kwargs={"pk": world.tactic.pk}), fields_of(CloseForm)),
        (reverse("experiment_close", kwargs={"pk": world.experiment.pk}), fields_of(CloseExperimentForm)),
        (
            reverse(
                "client_review",
                kwargs={"pk": world.client.pk, "year": world.review.year, "quarter": world.review.quarter},
            ),
            [*fields_of(ReviewForm), "action"],
        ),
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_posted_values_answer_below_500(client, world, am, data):
    client.force_login(am)
    url, names = data.draw(st.sampled_from(endpoints(world)))
    posted = {name: data.draw(VALUES, label=name) for name in names}
    posted["form_token"] = data.draw(st.one_of(st.just(str(uuid.uuid4())), VALUES), label="form_token")
    response = client.post(url, posted, **HTMX)
    assert response.status_code < 500, (url, posted)
