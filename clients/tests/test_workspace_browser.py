"""The AM's main path in a real browser: every write happens in place, without a page reload."""

import pytest
from playwright.sync_api import expect

from clients.models import Contact, QuarterlyReview, RiskAssessment, WeeklyGoal
from clients.tests.factories import ClientFactory, ObjectiveFactory
from core.weeks import quarter_of, today

MARK = "window.__noReload = 'still here'"
STILL_THERE = "window.__noReload"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_am_logs_contact_risk_goals_and_a_review_draft_without_reloading(page, login, am):
    client = ClientFactory(name="Acme Rockets", account_manager=am)
    ObjectiveFactory(client=client, title="Double demo requests")
    login(page, "am")

    page.goto("/my/")
    page.evaluate(MARK)
    row = page.locator(f"#client-{client.pk}")
    row.get_by_role("button", name="Log contact").click()
    form = page.locator(f"#contact-form-{client.pk}")
    form.get_by_label("Who").fill("Dana (CMO)")
    form.get_by_label("Summary").fill("Agreed the Q3 plan.")
    form.get_by_role("button", name="Log contact").click()
    page.get_by_text("Contact logged.").wait_for()
    assert Contact.objects.get(client=client).logged_by == am
    # the list refreshed itself on the contactLogged event: the "no contact" reason is gone
    expect(page.locator(f"#client-{client.pk}")).not_to_contain_text("No contact logged")

    row = page.locator(f"#client-{client.pk}")
    row.get_by_role("button", name="Set risk").click()
    risk = page.locator(f"#risk-form-{client.pk}")
    risk.get_by_text("Health signal").first.wait_for()
    risk.get_by_label("2 · High").check()
    risk.get_by_label("3 · Regular").check()
    risk.get_by_label("Low usage").check()
    risk.get_by_role("button", name="Record risk").click()
    page.get_by_text("Risk recorded.").wait_for()
    assert RiskAssessment.objects.get(client=client).score == 2
    assert page.evaluate(STILL_THERE) == "still here"

    page.goto(f"/clients/{client.pk}/work/")
    page.evaluate(MARK)
    for title in ("Send the monthly report", "Launch the A/B test"):
        goal_form = page.locator(f"#goal-form-{client.pk}")
        if not goal_form.is_visible():
            page.locator("summary", has_text="Add a weekly goal").click()
        goal_form.get_by_label("Goal", exact=True).fill(title)
        goal_form.get_by_role("button", name="Add goal").click()
        page.locator("#panel-goals").get_by_text(title).wait_for()

    done, moved = WeeklyGoal.objects.filter(client=client).order_by("pk")
    page.locator(f"#goal-{done.pk}").get_by_role("button", name="Done").click()
    page.locator(f"#goal-{done.pk} .goal-status-done").wait_for()
    page.wait_for_load_state("networkidle")  # the summary refreshes on goalUpdated

    page.locator(f"#goal-{moved.pk}").get_by_role("button", name="Postpone").click()
    page.locator(f"#goal-{moved.pk}").get_by_label("Reason").fill("Client's developer is on holiday")
    page.locator(f"#goal-{moved.pk}").get_by_role("button", name="Postpone goal").click()
    page.locator(f"#goal-{moved.pk} .goal-status-postponed").wait_for()
    moved.refresh_from_db()
    assert (moved.status, moved.postponement.reason) == ("postponed", "Client's developer is on holiday")
    assert page.evaluate(STILL_THERE) == "still here"

    year, quarter = quarter_of(today())
    page.goto(f"/clients/{client.pk}/reviews/{year}/{quarter}/")
    page.evaluate(MARK)
    page.get_by_label("Main contact and role").fill("Dana, CMO")
    page.get_by_label("How they use our work").fill("Weekly campaign reports")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    review = QuarterlyReview.objects.get(client=client)
    assert (review.status, review.main_contact) == ("draft", "Dana, CMO")
    assert page.evaluate(STILL_THERE) == "still here"
    # The forms answer 422/409 on bad input by design; none was sent here, so nothing may be logged.
    assert page.console_errors == [], page.console_errors
