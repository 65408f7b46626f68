"""The rules the workspace must hold, proved through the forms, the ORM and raw SQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from clients import forms as workspace_forms
from clients.models import (
    AppendOnly,
    Contact,
    DeadlineLocked,
    QuarterlyReview,
    RiskAssessment,
    WeeklyGoal,
)
from clients.selectors import goal_hits_by_client
from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, ObjectiveFactory, RiskAssessmentFactory, WeeklyGoalFactory
from core.weeks import today, week_bounds, week_deadline, week_start

pytestmark = pytest.mark.django_db


def form_url(client, kind: str) -> str:
    return reverse("workspace_form", kwargs={"pk": client.pk, "kind": kind})


def monday(weeks: int = 0) -> dt.date:
    return week_start(today()) + dt.timedelta(weeks=weeks)


@pytest.fixture
def am_client(client, am):
    client.force_login(am)
    return client


# --- deadlines ---------------------------------------------------------------------------------


def test_no_workspace_form_has_a_deadline_field():
    form_classes = [
        getattr(workspace_forms, name)
        for name in dir(workspace_forms)
        if name.endswith("Form") and isinstance(getattr(workspace_forms, name), type)
    ]
    assert len(form_classes) >= 12
    for form_class in form_classes:
        assert "deadline" not in form_class.base_fields, form_class


def test_a_deadline_posted_with_a_new_goal_is_ignored(am_client, world):
    response = am_client.post(
        form_url(world.client, "goal"),
        {"title": "Sneaky", "week": monday().isoformat(), "deadline": "2031-01-01T00:00", "form_token": token()},
        **HTMX,
    )
    assert response.status_code == 200
    goal = WeeklyGoal.objects.get(title="Sneaky")
    assert goal.deadline == week_deadline(monday())
    assert goal.created_by.username == "am"


def test_postponing_keeps_the_original_deadline_and_ignores_a_posted_one(am_client, world):
    original = world.goal.deadline
    response = am_client.post(
        reverse("goal_postpone", kwargs={"pk": world.goal.pk}),
        {
            "reason": "Client on holiday",
            "target_week": monday(1).isoformat(),
            "deadline": "2031-01-01T00:00",
            "form_token": token(),
        },
        **HTMX,
    )
    assert response.status_code == 200
    world.goal.refresh_from_db()
    assert world.goal.deadline == original
    assert world.goal.status == "postponed"
    carried = world.goal.postponement.carried_over
    assert carried.week_start == monday(1)
    assert carried.deadline == week_deadline(monday(1))
    assert world.goal.postponement.postponed_by.username == "am"


def test_the_orm_refuses_to_move_a_deadline(world):
    goal = WeeklyGoal.objects.get(pk=world.goal.pk)
    goal.deadline += dt.timedelta(days=7)
    with pytest.raises(DeadlineLocked):
        goal.save()


def test_a_raw_sql_update_of_a_deadline_is_refused_by_the_trigger(world):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clients_weeklygoal SET deadline = deadline + interval '7 days' WHERE id = %s", [world.goal.pk]
        )
    world.goal.refresh_from_db()
    assert world.goal.deadline == week_deadline(world.goal.week_start)


# --- postponing --------------------------------------------------------------------------------


def test_postponing_without_a_reason_is_rejected_with_a_message(am_client, world):
    response = am_client.post(
        reverse("goal_postpone", kwargs={"pk": world.goal.pk}),
        {"reason": "  ", "target_week": monday(1).isoformat(), "form_token": token()},
        **HTMX,
    )
    assert response.status_code == 422
    assert "A postponement needs a reason." in response.content.decode()
    world.goal.refresh_from_db()
    assert world.goal.status == "open"


def test_postponing_to_the_same_or_an_earlier_week_is_rejected(am_client, world):
    response = am_client.post(
        reverse("goal_postpone", kwargs={"pk": world.goal.pk}),
        {"reason": "Later", "target_week": monday().isoformat(), "form_token": token()},
        **HTMX,
    )
    assert response.status_code == 422
    assert "after the goal" in response.content.decode()


def test_a_postponed_goal_counts_as_a_miss_in_its_original_week(am_client, world):
    am_client.post(
        reverse("goal_postpone", kwargs={"pk": world.goal.pk}),
        {"reason": "Client away", "target_week": monday(1).isoformat(), "form_token": token()},
        **HTMX,
    )
    start, end = week_bounds(monday())
    assert goal_hits_by_client([world.client.pk], start, end)[world.client.pk] == (0, 1)
    next_start, next_end = week_bounds(monday(1))
    assert goal_hits_by_client([world.client.pk], next_start, next_end)[world.client.pk] == (0, 1)
    week = am_client.get(reverse("my_week")).content.decode()
    assert "0 of 1 goals hit" in week


def test_a_done_goal_is_a_hit_and_cancelling_needs_a_reason(am_client, world):
    other = WeeklyGoalFactory(client=world.client)
    assert am_client.post(reverse("goal_done", kwargs={"pk": world.goal.pk}), **HTMX).status_code == 200
    assert am_client.post(reverse("goal_done", kwargs={"pk": world.goal.pk}), **HTMX).status_code == 409
    empty = am_client.post(
        reverse("goal_cancel", kwargs={"pk": other.pk}), {"reason": "", "form_token": token()}, **HTMX
    )
    assert empty.status_code == 422
    assert "Say why the goal is cancelled." in empty.content.decode()
    start, end = week_bounds(monday())
    assert goal_hits_by_client([world.client.pk], start, end)[world.client.pk] == (1, 2)


# --- risk --------------------------------------------------------------------------------------


def test_risk_history_is_append_only(am_client, world):
    data = {"score": "2", "communication_level": "2", "reasons": ["low_usage", "budget_cut"], "note": "Budget talks"}
    assert am_client.post(form_url(world.client, "risk"), {**data, "form_token": token()}, **HTMX).status_code == 200
    assert (
        am_client.post(
            form_url(world.client, "risk"), {**data, "score": "1", "form_token": token()}, **HTMX
        ).status_code
        == 200
    )
    history = list(RiskAssessment.objects.filter(client=world.client).order_by("pk"))
    assert [a.score for a in history] == [2, 1]
    assert all(a.assessed_by.username == "am" for a in history)
    history[0].score = 4
    with pytest.raises(AppendOnly):
        history[0].save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clients_riskassessment SET score = 4 WHERE id = %s", [history[0].pk])


def test_the_risk_form_shows_the_health_signal_and_a_disagreement(am_client, world):
    RiskAssessmentFactory(client=world.client, score=4)  # no contact logged: the data says otherwise
    form = am_client.get(form_url(world.client, "risk"), **HTMX).content.decode()
    note_url = reverse("client_health_note", kwargs={"pk": world.client.pk})
    assert f'hx-get="{note_url}" hx-trigger="load" hx-target="this"' in form  # the form loads its note
    html = am_client.get(note_url, **HTMX).content.decode()
    assert "Health signal" in html
    assert "Contact recency" in html
    assert "No contact logged" in html


# --- reviews -----------------------------------------------------------------------------------


def review_url(review) -> str:
    return reverse("client_review", kwargs={"pk": review.client_id, "year": review.year, "quarter": review.quarter})


def test_a_draft_saves_and_a_submitted_review_cannot_be_edited(am_client, world):
    url = review_url(world.review)
    draft = am_client.post(url, {"action": "draft", "main_contact": "Dana (CMO)", "form_token": token()}, **HTMX)
    assert draft.status_code == 200
    assert "Draft saved." in draft.content.decode()
    submit = am_client.post(url, {"action": "submit", "main_contact": "Dana (CMO)", "form_token": token()}, **HTMX)
    assert submit.status_code == 200
    world.review.refresh_from_db()
    assert world.review.status == QuarterlyReview.Status.SUBMITTED
    assert world.review.submitted_by.username == "am"
    change = am_client.post(url, {"action": "draft", "main_contact": "Someone else", "form_token": token()}, **HTMX)
    assert change.status_code == 409
    assert "submitted and is read-only" in change.content.decode()
    world.review.refresh_from_db()
    assert world.review.main_contact == "Dana (CMO)"


def test_the_review_shows_last_quarters_answers_beside_the_fields(am_client, world):
    from clients.tests.factories_workspace import QuarterlyReviewFactory
    from core.weeks import previous_quarter

    year, quarter = previous_quarter(world.review.year, world.review.quarter)
    QuarterlyReviewFactory(client=world.client, year=year, quarter=quarter, executive_sponsor="Pat the CFO")
    html = am_client.get(review_url(world.review)).content.decode()
    assert "Pat the CFO" in html
    assert html.count('class="review-grid"') == 28


def test_a_review_for_a_future_quarter_is_refused(am_client, world):
    url = reverse("client_review", kwargs={"pk": world.client.pk, "year": today().year + 1, "quarter": 1})
    response = am_client.post(url, {"action": "draft", "form_token": token()}, **HTMX)
    assert response.status_code == 422
    assert "future quarter" in response.content.decode()


# --- double submit and lost input ---------------------------------------------------------------


def test_a_double_submit_creates_one_record(am_client, world):
    data = {
        "contacted_on": today().isoformat(),
        "channel": "call",
        "who": "Dana",
        "summary": "Hi",
        "sentiment": "neutral",
        "form_token": token(),
    }
    first = am_client.post(form_url(world.client, "contact"), data, **HTMX)
    second = am_client.post(form_url(world.client, "contact"), data, **HTMX)
    assert (first.status_code, second.status_code) == (200, 409)
    assert "already sent" in second.content.decode()
    assert Contact.objects.filter(client=world.client).count() == 1
    assert first["HX-Trigger"] == "contactLogged"


def test_a_failed_save_keeps_what_was_typed_and_marks_the_field(am_client, world):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    data = {
        "contacted_on": tomorrow,
        "channel": "email",
        "who": "Dana Scully",
        "summary": "A long and careful note",
        "sentiment": "negative",
        "form_token": token(),
    }
    response = am_client.post(form_url(world.client, "contact"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in html
    assert "A long and careful note" in html
    assert 'value="Dana Scully"' in html
    assert 'aria-invalid="true"' in html
    assert "contact-contacted_on_error" in html
    assert "cannot be in the future" in html
    # the same token works again once the input is fixed
    fixed = am_client.post(form_url(world.client, "contact"), {**data, "contacted_on": today().isoformat()}, **HTMX)
    assert fixed.status_code == 200


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("contact", {}, "This field is required."),
        (
            "contact",
            {"contacted_on": "2026-01-01", "channel": "call", "who": "x" * 201, "summary": "s", "sentiment": "neutral"},
            "at most 200",
        ),
        ("risk", {"score": "abc", "communication_level": "2", "reasons": ["low_usage"]}, "Select a valid choice"),
        ("risk", {"score": "7", "communication_level": "2", "reasons": ["low_usage"]}, "Select a valid choice"),
        ("risk", {"score": "2", "communication_level": "2"}, "Choose at least one risk reason."),
        ("risk", {"score": "2", "communication_level": "2", "reasons": ["made_up"]}, "Select a valid choice"),
        ("nps", {"score": "11", "responded_on": "2026-01-01"}, "less than or equal to 10"),
        ("nps", {"score": "nine", "responded_on": "2026-01-01"}, "Enter a whole number"),
        ("goal", {"title": "T", "week": "tuesday"}, "Enter a valid date"),
        (
            "objective",
            {
                "title": "T",
                "metric": "m",
                "baseline": "5",
                "target": "5",
                "current_value": "5",
                "start_date": "2026-01-01",
                "due_date": "2025-01-01",
                "origin": "quarter",
            },
            "must come after the start",
        ),
        ("revenue", {"kind": "churn", "occurred_on": "2026-01-01"}, "Say why the client churned."),
    ],
)
def test_bad_input_answers_422_with_a_clear_message(client, world, personas, kind, data, message):
    client.force_login(personas["leader" if kind == "revenue" else "am"])
    response = client.post(form_url(world.client, kind), {**data, "form_token": token()}, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_a_goal_week_must_be_a_monday_this_week_or_later(am_client, world):
    tuesday = monday() + dt.timedelta(days=1)
    for week, message in [
        (tuesday, "Weeks start on Monday"),
        (monday(-1), "already passed"),
        (monday(20), "at most 12 weeks"),
    ]:
        response = am_client.post(
            form_url(world.client, "goal"), {"title": "T", "week": week.isoformat(), "form_token": token()}, **HTMX
        )
        assert response.status_code == 422
        assert message in response.content.decode()


def test_another_clients_objective_in_a_hidden_field_is_refused(am_client, world, other_am):
    foreign = ObjectiveFactory(client=ClientFactory(account_manager=other_am))
    response = am_client.post(
        form_url(world.client, "goal"),
        {"title": "T", "week": monday().isoformat(), "objective": foreign.pk, "form_token": token()},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Choose one of this client&#x27;s open objectives." in response.content.decode()


def test_another_users_goal_cannot_be_touched(am_client, other_am):
    foreign = WeeklyGoalFactory(client=ClientFactory(account_manager=other_am))
    assert am_client.post(reverse("goal_done", kwargs={"pk": foreign.pk}), **HTMX).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "open"


def test_a_missing_or_forged_form_token_is_refused(am_client, world):
    data = {"contacted_on": today().isoformat(), "channel": "call", "who": "D", "summary": "S", "sentiment": "neutral"}
    assert am_client.post(form_url(world.client, "contact"), data, **HTMX).status_code == 422
    assert am_client.post(form_url(world.client, "contact"), {**data, "form_token": "x"}, **HTMX).status_code == 422
    assert not Contact.objects.exists()


def test_bad_query_parameters_answer_400(am_client, world):
    assert am_client.get(reverse("my_week") + "?week=notadate").status_code == 400
    assert am_client.get(reverse("reviews_segment") + "?year=x").status_code == 400
    assert am_client.get(reverse("reviews_segment") + "?quarter=9").status_code == 400


# --- revenue, objectives, experiments ------------------------------------------------------------


def test_churn_ends_the_client_with_date_reason_and_zero_mrr(client, world, leader):
    client.force_login(leader)
    response = client.post(
        form_url(world.client, "revenue"),
        {"kind": "churn", "occurred_on": today().isoformat(), "churn_reason": "competitor", "form_token": token()},
        **HTMX,
    )
    assert response.status_code == 200
    world.client.refresh_from_db()
    assert (world.client.lifecycle_stage, world.client.churn_reason, world.client.mrr) == ("churned", "competitor", 0)
    assert world.client.churned_on == today()
    event = world.client.revenue_events.get()
    assert event.amount == Decimal("5000.00")
    assert event.recorded_by == leader


def test_expansion_and_contraction_adjust_mrr_and_contraction_cannot_go_below_zero(client, world, leader):
    client.force_login(leader)
    post = lambda kind, amount: client.post(  # noqa: E731
        form_url(world.client, kind="revenue"),
        {"kind": kind, "amount": amount, "occurred_on": today().isoformat(), "form_token": token()},
        **HTMX,
    )
    assert post("expansion", "500").status_code == 200
    assert post("contraction", "99999").status_code == 422
    world.client.refresh_from_db()
    assert world.client.mrr == Decimal("5500.00")


def test_updating_an_objective_records_who_and_recomputes_status(am_client, world):
    url = reverse("objective_progress", kwargs={"pk": world.objective.pk})
    response = am_client.post(url, {"current_value": "200", "form_token": token()}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "objectivesChanged"
    world.objective.refresh_from_db()
    assert world.objective.status == "achieved"
    assert world.objective.updated_by.username == "am"


def test_an_experiment_below_the_confidence_threshold_is_shown_but_not_counted(client, world, designer):
    client.force_login(designer)
    url = reverse("experiment_close", kwargs={"pk": world.experiment.pk})
    no_confidence = client.post(url, {"outcome": "win", "ended_on": today().isoformat(), "form_token": token()}, **HTMX)
    assert no_confidence.status_code == 422
    assert "needs its confidence" in no_confidence.content.decode()
    response = client.post(
        url, {"outcome": "win", "ended_on": today().isoformat(), "confidence": "80", "form_token": token()}, **HTMX
    )
    assert response.status_code == 200
    assert "counted as inconclusive" in response.content.decode()
    world.experiment.refresh_from_db()
    assert world.experiment.closed_by == designer
    panel = client.get(reverse("client_workspace", kwargs={"pk": world.client.pk}), **HTMX).content.decode()
    assert "0 won, 0 lost, 1 inconclusive (not counted), 1 running" in panel


def test_the_kickoff_item_ticks_and_unticks_and_a_double_click_is_harmless(am_client, world):
    url = reverse("kickoff_toggle", kwargs={"pk": world.kickoff.pk})
    am_client.post(url, {"done": "1"}, **HTMX)
    am_client.post(url, {"done": "1"}, **HTMX)
    world.kickoff.refresh_from_db()
    assert world.kickoff.done_on == today()
    assert world.kickoff.done_by.username == "am"
    am_client.post(url, {"done": "0"}, **HTMX)
    world.kickoff.refresh_from_db()
    assert world.kickoff.done_on is None
    assert am_client.post(url, {"done": "maybe"}, **HTMX).status_code == 400


def test_goal_status_changes_record_who_and_when(am_client, world):
    am_client.post(reverse("goal_done", kwargs={"pk": world.goal.pk}), **HTMX)
    world.goal.refresh_from_db()
    assert world.goal.status_changed_by.username == "am"
    assert world.goal.status_changed_at is not None


def test_the_week_summary_downloads_as_markdown_with_shared_goals_only(am_client, world):
    WeeklyGoalFactory(client=world.client, title="Internal prep", shared_with_client=False)
    response = am_client.get(reverse("week_summary", kwargs={"pk": world.client.pk}))
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert world.goal.title in body
    assert "Internal prep" not in body
