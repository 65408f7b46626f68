"""An AM record with no holes (issue 12): waiting on client, the expectation agreement, the kickoff
plan and the quarter's missing reviews, each recorded from the screens and counted where it counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import EarlyWarning, KickoffItem, WaitingPeriod
from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, WeeklyGoalFactory
from clients.tests.factories_workspace import KickoffItemFactory, QuarterlyReviewFactory, WaitingPeriodFactory
from core.templatetags.numbers import short_date
from core.weeks import quarter_of, today, week_start
from godview.client_health import health_for
from godview.rollup import rollup_day

pytestmark = pytest.mark.django_db


def form_url(client, kind: str) -> str:
    return reverse("workspace_form", kwargs={"pk": client.pk, "kind": kind})


def last_weekday(before: dt.date) -> dt.date:
    day = before - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


# --- waiting on client ---------------------------------------------------------------------------


def test_an_am_records_waiting_on_a_goal_and_ends_it(client, am):
    acme = ClientFactory(account_manager=am)
    goal = WeeklyGoalFactory(client=acme)
    client.force_login(am)
    started = today() - dt.timedelta(days=2)
    data = {"waiting_for": "The brand assets", "started_on": started.isoformat(), "goal": goal.pk}
    response = client.post(form_url(acme, "waiting"), {**data, "form_token": token()}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "waitingChanged"
    wait = WaitingPeriod.objects.get(client=acme)
    assert (wait.goal, wait.started_on, wait.ended_on, wait.recorded_by) == (goal, started, None, am)
    panel = client.get(reverse("client_workspace", kwargs={"pk": acme.pk}), HTTP_HX_TARGET="panel-waiting", **HTMX)
    assert "The brand assets" in panel.content.decode()
    end = client.post(
        reverse("waiting_end", kwargs={"pk": wait.pk}), {"ended_on": today().isoformat(), "form_token": token()}, **HTMX
    )
    assert end.status_code == 200
    wait.refresh_from_db()
    assert wait.ended_on == today()


def test_a_wait_says_what_for_and_starts_no_later_than_today(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    future = {"waiting_for": "Sign-off", "started_on": (today() + dt.timedelta(days=1)).isoformat()}
    assert client.post(form_url(acme, "waiting"), {**future, "form_token": token()}, **HTMX).status_code == 422
    blank = {"waiting_for": "\u200b", "started_on": today().isoformat()}
    assert client.post(form_url(acme, "waiting"), {**blank, "form_token": token()}, **HTMX).status_code == 422
    other_goal = WeeklyGoalFactory()
    foreign = {"waiting_for": "Sign-off", "started_on": today().isoformat(), "goal": other_goal.pk}
    assert client.post(form_url(acme, "waiting"), {**foreign, "form_token": token()}, **HTMX).status_code == 422
    assert not WaitingPeriod.objects.exists()


def test_the_waiting_rule_fires_beyond_the_agreement_from_a_client_wait_and_a_goal_wait(am):
    day = today()
    signed = day - dt.timedelta(days=200)
    on_client = ClientFactory(account_manager=am, expectation_agreement_signed_on=signed, agreed_response_days=1)
    on_goal = ClientFactory(account_manager=am, agreed_response_days=1)
    patient = ClientFactory(account_manager=am, agreed_response_days=10)
    long_ago = day - dt.timedelta(days=9)  # at least five business days
    WaitingPeriodFactory(client=on_client, waiting_for="The brand assets", started_on=long_ago)
    WaitingPeriodFactory(client=on_goal, goal=WeeklyGoalFactory(client=on_goal), started_on=long_ago)
    WaitingPeriodFactory(client=patient, started_on=long_ago)
    rollup_day(day)
    fired = dict(EarlyWarning.objects.filter(rule="waiting_on_client").values_list("client_id", "reason"))
    assert set(fired) == {on_client.pk, on_goal.pk}
    assert "for “The brand assets”" in fired[on_client.pk]
    assert f"the agreement of {short_date(signed)} says 1" in fired[on_client.pk]
    assert "no agreement signed" in fired[on_goal.pk]


def test_waiting_counts_in_the_health_signal_the_same_on_the_page_and_at_night(am):
    acme = ClientFactory(account_manager=am)
    monday = week_start(today())
    WaitingPeriodFactory(client=acme, started_on=monday - dt.timedelta(weeks=3), ended_on=monday - dt.timedelta(days=3))
    health = health_for(acme)
    waiting = next(f for f in health.factors if f.code == "waiting")
    assert waiting.score == 1  # more than five business days in the four weeks
    rollup_day(today())
    assert acme.snapshots.get(date=today()).health_score == health.score


# --- the expectation agreement ------------------------------------------------------------------


def test_the_agreement_is_edited_on_the_client_page_and_shown_there(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    signed = today() - dt.timedelta(days=10)
    data = {"signed_on": signed.isoformat(), "response_days": "2"}
    assert client.post(form_url(acme, "agreement"), {**data, "form_token": token()}, **HTMX).status_code == 200
    acme.refresh_from_db()
    assert (acme.expectation_agreement_signed_on, acme.agreed_response_days) == (signed, 2)
    # The AM writes on the client page, whose facts (the agreement among them) live in its action panel.
    page = client.get(reverse("client_workspace", kwargs={"pk": acme.pk}), **HTMX).content.decode()
    assert "Expectation agreement" in page and "answers within 2 business days" in page
    future = {"signed_on": (today() + dt.timedelta(days=1)).isoformat(), "response_days": "2"}
    assert client.post(form_url(acme, "agreement"), {**future, "form_token": token()}, **HTMX).status_code == 422


# --- the kickoff plan ---------------------------------------------------------------------------


def test_kickoff_items_are_added_reordered_and_ticked_from_the_client_page(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    for text in ("Fix the tracking", "Rewrite the hero", "Set up the report"):
        response = client.post(form_url(acme, "kickoff"), {"text": text, "form_token": token()}, **HTMX)
        assert response.status_code == 200
    first, second, third = KickoffItem.objects.filter(client=acme).order_by("position")
    assert [first.position, second.position, third.position] == [1, 2, 3]
    moved = client.post(reverse("kickoff_move", kwargs={"pk": third.pk}), {"step": "-1"}, **HTMX)
    assert moved.status_code == 200
    order = list(KickoffItem.objects.filter(client=acme).order_by("position").values_list("text", flat=True))
    assert order == ["Fix the tracking", "Set up the report", "Rewrite the hero"]
    html = moved.content.decode()
    assert html.index("Set up the report") < html.index("Rewrite the hero")
    # The top item cannot move further up; a bad step is a 400.
    client.post(reverse("kickoff_move", kwargs={"pk": first.pk}), {"step": "-1"}, **HTMX)
    first.refresh_from_db()
    assert first.position == 1
    assert client.post(reverse("kickoff_move", kwargs={"pk": first.pk}), {"step": "9"}, **HTMX).status_code == 400
    client.post(reverse("kickoff_toggle", kwargs={"pk": first.pk}), {"done": "1"}, **HTMX)
    first.refresh_from_db()
    assert first.done_on == today()


def test_a_kickoff_plan_holds_ten_items(client, am):
    acme = ClientFactory(account_manager=am)
    for position in range(1, 11):
        KickoffItemFactory(client=acme, position=position)
    client.force_login(am)
    response = client.post(form_url(acme, "kickoff"), {"text": "One more", "form_token": token()}, **HTMX)
    assert response.status_code == 422
    assert "ten items" in response.content.decode()


# --- missing quarterly reviews ------------------------------------------------------------------


def test_the_reviews_page_lists_every_active_client_with_missing_draft_or_submitted(client, am, leader):
    year, quarter = quarter_of(today())
    missing = ClientFactory(account_manager=am, name="Missing Co")
    draft = ClientFactory(account_manager=am, name="Draft Co")
    done = ClientFactory(account_manager=am, name="Done Co")
    gone = today() - dt.timedelta(days=200)
    ClientFactory(account_manager=am, name="Gone Co", lifecycle_stage="churned", churned_on=gone, churn_reason="price")
    QuarterlyReviewFactory(client=draft, year=year, quarter=quarter)
    QuarterlyReviewFactory(client=done, year=year, quarter=quarter, status="submitted", submitted_at=timezone.now())
    client.force_login(leader)
    html = client.get(reverse("reviews_segment")).content.decode()
    assert all(name in html for name in ("Missing Co", "Draft Co", "Done Co"))
    assert "Gone Co" not in html  # churned: no review owed
    only_missing = client.get(reverse("reviews_segment") + "?status=missing").content.decode()
    assert "Missing Co" in only_missing and "Draft Co" not in only_missing
    csv = client.get(reverse("reviews_segment") + "?format=csv").getvalue().decode("utf-8-sig").splitlines()
    assert any(line.startswith("Missing Co,") and ",Missing," in line for line in csv)
    assert client.get(reverse("reviews_segment") + "?status=lost").status_code == 400
    # The God-view counts the missing one for the quarter, and links to the rows.
    page = client.get("/").content.decode()
    assert "Reviews missing" in page
    assert f"/reviews/?year={year}&amp;quarter={quarter}&amp;status=missing" in page
    assert missing.pk  # the row behind the figure


def test_the_review_kpi_counts_missing_reviews_by_hand(am, leader):
    from godview.forms import Filters
    from godview.selectors import kpi_strip

    year, quarter = quarter_of(today())
    clients = [ClientFactory(account_manager=am) for _ in range(4)]
    QuarterlyReviewFactory(client=clients[0], year=year, quarter=quarter)
    kpi = next(k for k in kpi_strip(leader, Filters(), "/clients/") if k.key == "reviews_missing")
    assert kpi.value == 3
    assert kpi.note.endswith("0/4")
