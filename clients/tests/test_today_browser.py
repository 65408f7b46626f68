"""Today on /my/: an AM closes, snoozes and drops actions by clicking, on a desktop and on a phone."""

import datetime as dt

import pytest

from clients.action_services import action_create
from clients.models import Action
from clients.tests.factories import ClientFactory
from core.weeks import today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def actions(am):
    client = ClientFactory(name="Juniper Dental", account_manager=am)
    day = today()
    return {
        verb: action_create(client=client, title=f"{verb} this one", due_on=day - dt.timedelta(days=offset))
        for verb, offset in (("close", 0), ("snooze", 1), ("drop", 2))
    }


def _verb(page, action, name):
    item = page.locator(f"#action-{action.pk}")
    item.get_by_text(name, exact=True).click()
    return item


@pytest.mark.parametrize("width", [1440, 390])
def test_an_am_closes_snoozes_and_drops_from_today(page, login, am, actions, width):
    page.set_viewport_size({"width": width, "height": 844})
    login(page, "am")
    page.goto("/my/")

    item = _verb(page, actions["close"], "Done")
    save = item.get_by_role("button", name="Save")
    box = save.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the form opens in view, not off screen
    item.get_by_label("Outcome").fill("Called; the sponsor agreed the new plan.")
    item.get_by_role("button", name="Save").click()
    page.locator(f"#action-{actions['close'].pk}.action-done").wait_for()

    # A snooze or a drop without a reason is refused in place, and the action stays open.
    # (spaces pass the browser's `required` check; the server refuses them with its own message).
    item = _verb(page, actions["snooze"], "Snooze")
    item.get_by_label("Why snooze?").fill("   ")
    item.get_by_role("button", name="Save").click()
    page.locator(f"#action-{actions['snooze'].pk} .errorlist").first.wait_for()
    assert page.locator(f"#action-{actions['snooze'].pk} .errorlist").first.is_visible()
    assert Action.objects.get(pk=actions["snooze"].pk).status == Action.Status.OPEN
    item = page.locator(f"#action-{actions['snooze'].pk}")
    item.get_by_label("Why snooze?").fill("Sponsor on holiday until next week")
    item.get_by_role("button", name="Save").click()
    page.locator(f"#action-{actions['snooze'].pk}.action-snoozed").wait_for()

    item = _verb(page, actions["drop"], "Drop")
    item.get_by_label("Why drop?").fill("Covered by the quarterly review")
    item.get_by_role("button", name="Save").click()
    page.locator(f"#action-{actions['drop'].pk}.action-dropped").wait_for()

    statuses = dict(Action.objects.values_list("title", "status"))
    assert statuses == {"close this one": "done", "snooze this one": "snoozed", "drop this one": "dropped"}
    assert Action.objects.get(title="snooze this one").snooze_reason == "Sponsor on holiday until next week"
    refused = "status of 422"  # the blank snooze above, answered 422 on purpose
    assert [e for e in page.console_errors if "inline style" not in e and refused not in e] == []
