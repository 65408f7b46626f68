"""Issue 20's main paths in Debian's Chromium: an AM makes a task this week's goal in one click on
the client page (htmx, no reload), and a pod lead opens next week from the pod page."""

import pytest

from clients.tests.factories import ClientFactory, ObjectiveFactory
from core.weeks import today, week_start
from tasks.models import GoalTask
from tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_am_makes_a_synced_task_a_goal_in_one_click(page, login, am):
    client = ClientFactory(account_manager=am, name="Acme")
    ObjectiveFactory(client=client, title="Double the demos")
    TaskFactory(client=client, name="Write the launch email", due_on=today())
    login(page, "am")
    page.goto(f"/clients/{client.pk}/")
    panel = page.locator("#goal-tasks")
    panel.get_by_text("Write the launch email").wait_for()
    page.evaluate("window.__notReloaded = true")
    panel.get_by_role("button", name="Make it a goal").click()
    page.locator("#goal-tasks table").first.get_by_text("Double the demos").wait_for()
    assert page.evaluate("window.__notReloaded") is True
    link = GoalTask.objects.select_related("goal").get()
    assert link.goal.week_start == week_start(today()) and link.goal.objective.title == "Double the demos"


def test_a_pod_lead_starts_the_pod_meeting_from_next_week(page, login, pod_lead, am):
    ClientFactory(account_manager=am, name="Unplanned Ltd")
    login(page, "podlead")
    page.goto(f"/pods/{pod_lead.pod_id}/")
    page.get_by_role("link", name="Next week").click()
    page.get_by_role("link", name="Clients with no goal planned").click()
    page.locator("#next-week-table").get_by_text("Unplanned Ltd").wait_for()
