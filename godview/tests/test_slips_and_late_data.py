"""Fixed deadlines for the tools' tasks on the screens (issue 12): slips per client on the client page,
in the health signal and as an early-warning rule; and a past day's figures rebuilt when late data
arrives, so each day can always be recomputed from its rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import DailySnapshot, EarlyWarning, WarningRule
from clients.tests.factories import ClientFactory
from core.weeks import agency_tz, today
from godview.client_health import health_for
from godview.rollup import first_day_with_late_data, nightly_rollup, rollup_day
from tasks.models import DueDateChange
from tasks.tests.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def slip(client, days_ago: int, moved_by: int = 7):
    """A task whose due date moved later `days_ago` days ago, as the sync records it."""
    first_due = today() + dt.timedelta(days=3)
    task = TaskFactory(client=client, due_on=first_due + dt.timedelta(days=moved_by), original_due_on=first_due)
    seen = timezone.now() - dt.timedelta(days=days_ago)
    DueDateChange.objects.create(task=task, old_due_on=first_due, new_due_on=task.due_on, seen_at=seen)
    return task


def test_three_slips_in_four_weeks_fire_the_rule_and_its_threshold_is_editable(am):
    slipping = ClientFactory(account_manager=am)
    calm = ClientFactory(account_manager=am)
    for days_ago in (1, 6, 20):
        slip(slipping, days_ago)
    slip(calm, 2)
    slip(calm, 40)  # outside the four weeks
    rollup_day(today())
    fired = dict(
        EarlyWarning.objects.filter(rule="task_slips", resolved_on__isnull=True).values_list("client", "reason")
    )
    assert list(fired) == [slipping.pk]
    assert fired[slipping.pk].startswith("3 tasks slipped in four weeks")
    assert DailySnapshot.objects.get(client=slipping, date=today()).slipped_tasks == 3
    WarningRule.objects.filter(code="task_slips").update(threshold=Decimal("4"))
    rollup_day(today())
    assert not EarlyWarning.objects.filter(rule="task_slips", resolved_on__isnull=True).exists()


def test_slips_count_in_the_health_signal_alike_on_the_page_and_at_night(am):
    acme = ClientFactory(account_manager=am)
    for days_ago in (1, 3, 5, 8, 13, 21):
        slip(acme, days_ago)
    factor = next(f for f in health_for(acme).factors if f.code == "slips")
    assert (factor.score, factor.detail) == (1, "6 tasks slipped (due date moved later) in four weeks")
    rollup_day(today())
    assert DailySnapshot.objects.get(client=acme, date=today()).health_score == health_for(acme).score


def test_the_client_page_shows_both_dates_and_the_moves(client, am):
    acme = ClientFactory(account_manager=am)
    task = slip(acme, 2)
    client.force_login(am)
    response = client.get(reverse("client_detail", kwargs={"pk": acme.pk}))
    html = response.content.decode()
    assert response.context["slipped_tasks"] == 1
    assert f"first due {task.original_due_on:%-d %b}" in html
    assert "Due dates moved" in html and "slipped" in html


def test_a_completion_that_arrives_late_rebuilds_the_days_on_time_rate(am):
    acme = ClientFactory(account_manager=am)
    due = today() - dt.timedelta(days=5)
    task = TaskFactory(client=acme, due_on=due, created_at_source=timezone.now() - dt.timedelta(days=30))
    for offset in range(6, -1, -1):
        rollup_day(today() - dt.timedelta(days=offset))
    snapshot = DailySnapshot.objects.get(client=acme, date=due)
    assert (snapshot.tasks_due, snapshot.tasks_on_time) == (1, 0)
    # The sync learns today that the task was done on its due day.
    done_at = dt.datetime.combine(due, dt.time(15), tzinfo=agency_tz())
    type(task).objects.filter(pk=task.pk).update(completed_at=done_at, synced_at=timezone.now())
    assert first_day_with_late_data(timezone.now() - dt.timedelta(days=1), today()) == due
    results = nightly_rollup()
    assert results[0].date == due
    snapshot.refresh_from_db()
    assert (snapshot.tasks_due, snapshot.tasks_on_time) == (1, 1)
    # The days it was counted overdue are rebuilt too.
    after = DailySnapshot.objects.get(client=acme, date=due + dt.timedelta(days=2))
    assert after.overdue_tasks == 0


def test_hours_logged_today_for_last_week_rebuild_that_day(am):
    acme = ClientFactory(account_manager=am)
    day = today() - dt.timedelta(days=8)
    rollup_day(day)
    TimeEntryFactory(
        client=acme, user=am, hours=Decimal("3"), started_at=dt.datetime.combine(day, dt.time(10), tzinfo=agency_tz())
    )
    nightly_rollup()
    assert DailySnapshot.objects.get(client=acme, date=day).hours == Decimal("3")


def test_without_late_data_the_night_rolls_up_yesterday_and_today_only(am):
    ClientFactory(account_manager=am)
    TaskFactory(due_on=today() + dt.timedelta(days=2))
    assert first_day_with_late_data(timezone.now() - dt.timedelta(days=1), today()) is None
    assert [r.date for r in nightly_rollup()] == [today() - dt.timedelta(days=1), today()]
