"""Fixed deadlines that cannot be gamed (issue 12): each break found on the demo, tried as a hostile
user would, through the service, the screens, admin and raw SQL."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact, QuarterlyReview, WeeklyGoal
from clients.selectors import goal_hits_by_client
from clients.services import weekly_goal_cancel, weekly_goal_create, weekly_goal_postpone
from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, WeeklyGoalFactory
from clients.tests.factories_workspace import QuarterlyReviewFactory
from core.weeks import today, week_bounds, week_deadline, week_start

pytestmark = pytest.mark.django_db

THIS_MONDAY = week_start(today())
LAST_MONDAY = THIS_MONDAY - dt.timedelta(weeks=1)


def last_weeks_goal(client, **extra) -> WeeklyGoal:
    return WeeklyGoalFactory(client=client, week_start=LAST_MONDAY, deadline=week_deadline(LAST_MONDAY), **extra)


def hits_last_week(client) -> tuple[int, int]:
    start, end = week_bounds(LAST_MONDAY)
    return goal_hits_by_client([client.pk], start, end).get(client.pk, (0, 0))


# --- 1. a cancel after the deadline --------------------------------------------------------------


def test_a_goal_cannot_be_cancelled_after_its_deadline(am):
    client = ClientFactory(account_manager=am)
    goal = last_weeks_goal(client)
    assert hits_last_week(client) == (0, 1)
    with pytest.raises(ValidationError, match=r"deadline .* has passed"):
        weekly_goal_cancel(goal=goal, reason="Client paused the campaign", by=am)
    goal.refresh_from_db()
    assert goal.status == WeeklyGoal.Status.OPEN
    assert hits_last_week(client) == (0, 1)  # the miss stays


def test_the_cancel_form_answers_422_after_the_deadline_and_hides_the_button(client, am):
    goal = last_weeks_goal(ClientFactory(account_manager=am))
    client.force_login(am)
    response = client.post(
        reverse("goal_cancel", kwargs={"pk": goal.pk}), {"reason": "Scope changed", "form_token": token()}, **HTMX
    )
    assert response.status_code == 422
    assert "cannot be cancelled" in response.content.decode()
    assert not goal.cancellable
    assert (
        reverse("goal_cancel", kwargs={"pk": goal.pk})
        not in client.get(reverse("goal_row", kwargs={"pk": goal.pk}), **HTMX).content.decode()
    )


def test_the_database_refuses_a_cancel_after_the_deadline_whatever_path_the_update_takes(am):
    goal = last_weeks_goal(ClientFactory(account_manager=am))
    with pytest.raises(IntegrityError, match="cannot be cancelled"), transaction.atomic():
        WeeklyGoal.objects.filter(pk=goal.pk).update(status="cancelled", cancel_reason="late")


def test_a_goal_cancelled_after_its_deadline_before_the_rule_still_counts_as_a_miss(am):
    client = ClientFactory(account_manager=am)
    last_weeks_goal(client, status="cancelled", cancel_reason="old row", status_changed_at=timezone.now())
    last_weeks_goal(client, status="done", done_at=week_deadline(LAST_MONDAY) - dt.timedelta(days=1))
    assert hits_last_week(client) == (1, 2)


# --- 2. cancel this week, create it again next week -----------------------------------------------


def test_cancelling_and_creating_the_same_goal_again_is_a_postponement_in_disguise(client, am, leader):
    acme = ClientFactory(account_manager=am)
    goal = weekly_goal_create(client=acme, owner=am, title="Launch the landing page", week=THIS_MONDAY)
    weekly_goal_cancel(goal=goal, reason="Client asked to wait", by=am)
    again = weekly_goal_create(
        client=acme, owner=am, title="  launch the LANDING page\u200b ", week=THIS_MONDAY + dt.timedelta(weeks=1)
    )
    goal.refresh_from_db()
    assert goal.recreated_as == again
    start, end = week_bounds(THIS_MONDAY)
    assert goal_hits_by_client([acme.pk], start, end)[acme.pk] == (0, 1)  # a miss in its own week
    client.force_login(leader)
    page = client.get(reverse("client_detail", kwargs={"pk": acme.pk})).content.decode()
    assert "Postponement in disguise" in page


def test_a_different_goal_or_one_three_weeks_later_is_not_a_disguise(am):
    acme = ClientFactory(account_manager=am)
    goal = weekly_goal_create(client=acme, owner=am, title="Send the report", week=THIS_MONDAY)
    weekly_goal_cancel(goal=goal, reason="Client asked to wait", by=am)
    weekly_goal_create(client=acme, owner=am, title="Send the invoice", week=THIS_MONDAY + dt.timedelta(weeks=1))
    weekly_goal_create(client=acme, owner=am, title="Send the report", week=THIS_MONDAY + dt.timedelta(weeks=3))
    goal.refresh_from_db()
    assert goal.recreated_as is None
    assert not WeeklyGoal.objects.disguised_postponements().exists()


# --- 3. admin cannot delete, move or rewrite history ----------------------------------------------


def test_admin_cannot_delete_or_move_a_missed_goal(client, admin_user, am, other_am):
    goal = last_weeks_goal(ClientFactory(account_manager=am))
    client.force_login(admin_user)
    assert client.post(reverse("admin:clients_weeklygoal_delete", args=[goal.pk]), {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:clients_weeklygoal_changelist"), {"action": "delete_selected", "_selected_action": [goal.pk]}
    )
    assert bulk.status_code in (200, 302)
    other = ClientFactory(account_manager=other_am)
    change = client.post(
        reverse("admin:clients_weeklygoal_change", args=[goal.pk]), {"client": other.pk, "owner": other_am.pk}
    )
    assert change.status_code == 403
    goal.refresh_from_db()
    assert (goal.client.account_manager, goal.owner) == (am, am)
    assert client.get(reverse("admin:clients_weeklygoal_add")).status_code == 403


def test_the_database_refuses_to_delete_or_move_a_goal_that_has_counted(am, other_am):
    goal = last_weeks_goal(ClientFactory(account_manager=am))
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        WeeklyGoal.objects.filter(pk=goal.pk).delete()
    with pytest.raises(IntegrityError, match="never moves"), transaction.atomic():
        WeeklyGoal.objects.filter(pk=goal.pk).update(client=ClientFactory(account_manager=other_am))
    with pytest.raises(IntegrityError, match="never moves"), transaction.atomic():
        WeeklyGoal.objects.filter(pk=goal.pk).update(owner=other_am)
    assert WeeklyGoal.objects.filter(pk=goal.pk, client__account_manager=am, owner=am).exists()


def test_a_submitted_review_cannot_be_deleted_or_rewritten(client, admin_user):
    review = QuarterlyReviewFactory(status="submitted", submitted_at=timezone.now(), main_contact="Dana")
    client.force_login(admin_user)
    delete = client.post(reverse("admin:clients_quarterlyreview_delete", args=[review.pk]), {"post": "yes"})
    assert delete.status_code == 403
    with pytest.raises(IntegrityError, match="never changed or deleted"), transaction.atomic():
        QuarterlyReview.objects.filter(pk=review.pk).delete()
    with pytest.raises(IntegrityError, match="never changed or deleted"), transaction.atomic():
        QuarterlyReview.objects.filter(pk=review.pk).update(main_contact="Someone else")
    review.refresh_from_db()
    assert review.main_contact == "Dana"


def test_a_client_cannot_be_deleted_in_admin(client, admin_user, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(admin_user)
    assert client.post(reverse("admin:clients_client_delete", args=[acme.pk]), {"post": "yes"}).status_code == 403


# --- 4. real reasons, no future dates, past weeks only from leadership ---------------------------


@pytest.mark.parametrize("reason", ["\u200b", " \u200b\u200c ", "ok", "..."])
def test_a_reason_needs_visible_words(client, am, reason):
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    client.force_login(am)
    for action, data in (
        ("goal_postpone", {"reason": reason, "target_week": (THIS_MONDAY + dt.timedelta(weeks=1)).isoformat()}),
        ("goal_cancel", {"reason": reason}),
    ):
        response = client.post(reverse(action, kwargs={"pk": goal.pk}), {**data, "form_token": token()}, **HTMX)
        assert response.status_code == 422, action
        assert "letters or digits" in response.content.decode()
    with pytest.raises(ValidationError):
        weekly_goal_postpone(goal=goal, reason=reason, target_week=THIS_MONDAY + dt.timedelta(weeks=1), by=am)
    goal.refresh_from_db()
    assert goal.status == WeeklyGoal.Status.OPEN


def test_admin_cannot_add_a_contact_and_no_contact_is_dated_in_the_future(client, admin_user, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(admin_user)
    assert client.get(reverse("admin:clients_contact_add")).status_code == 403
    contact = Contact(client=acme, contacted_on=dt.date(2099, 1, 1), channel="call", who="Dana", summary="x")
    with pytest.raises(ValidationError, match="future"):
        contact.full_clean()


def test_a_past_week_takes_a_goal_only_from_leadership_with_a_reason(client, am, leader):
    acme = ClientFactory(account_manager=am)
    with pytest.raises(ValidationError, match="only leadership"):
        weekly_goal_create(client=acme, owner=am, title="Backdated", week=LAST_MONDAY, created_by=am)
    url = reverse("workspace_form", kwargs={"pk": acme.pk, "kind": "goal"})
    client.force_login(am)
    data = {"title": "Backdated", "week": LAST_MONDAY.isoformat(), "late_reason": "Forgot to log it"}
    assert client.post(url, {**data, "form_token": token()}, **HTMX).status_code == 422
    client.force_login(leader)
    no_reason = client.post(url, {**data, "late_reason": "\u200b", "form_token": token()}, **HTMX)
    assert no_reason.status_code == 422
    assert client.post(url, {**data, "form_token": token()}, **HTMX).status_code == 200
    goal = WeeklyGoal.objects.get(client=acme, title="Backdated")
    assert (goal.owner, goal.created_by, goal.added_late_reason) == (am, leader, "Forgot to log it")
    assert goal.deadline == week_deadline(LAST_MONDAY)
    page = client.get(reverse("client_detail", kwargs={"pk": acme.pk})).content.decode()
    assert "Added after its week by" in page and "Forgot to log it" in page


def test_leadership_does_not_plan_this_weeks_goals(client, am, leader):
    acme = ClientFactory(account_manager=am)
    client.force_login(leader)
    url = reverse("workspace_form", kwargs={"pk": acme.pk, "kind": "goal"})
    response = client.post(url, {"title": "Plan", "week": THIS_MONDAY.isoformat(), "form_token": token()}, **HTMX)
    assert response.status_code == 422
    assert not WeeklyGoal.objects.filter(client=acme).exists()


def test_the_triggers_are_in_place(db):
    """The rules above live in the database on Postgres (where the suite runs)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    assert {"weekly_goal_stays", "weekly_goal_kept", "postponement_kept", "submitted_review_kept"} <= names


def test_leadership_lists_the_postponements_in_disguise(client, am, leader):
    acme = ClientFactory(account_manager=am, name="Acme")
    two_weeks_ago = LAST_MONDAY - dt.timedelta(weeks=1)
    cancelled = WeeklyGoalFactory(
        client=acme,
        title="Ship the newsletter",
        week_start=two_weeks_ago,
        deadline=week_deadline(two_weeks_ago),
        status="cancelled",
        cancel_reason="Client asked to wait",
        status_changed_at=week_deadline(two_weeks_ago) - dt.timedelta(days=3),
    )
    last_weeks_goal(acme, title="Honest goal")
    weekly_goal_create(
        client=acme, owner=am, title="Ship the newsletter", week=LAST_MONDAY, created_by=leader, late_reason="Backfill"
    )
    client.force_login(leader)
    response = client.get(reverse("goal_list") + "?disguised=1")
    assert [g.pk for g in response.context["page"].object_list] == [cancelled.pk]
    assert "miss: postponement in disguise" in response.content.decode()
    csv = client.get(reverse("goal_list") + "?disguised=1&format=csv").getvalue().decode("utf-8-sig").splitlines()
    assert csv[0].endswith("postponement in disguise") and csv[1].endswith("True")
