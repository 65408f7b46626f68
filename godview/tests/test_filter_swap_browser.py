"""A filter change on a list swaps its table and, with it, the header above: the count, the CSV
link and the tabs follow the new filters, and no page is nested in the page (the goals, tasks and
retention lists used to put a whole page, top bar and all, where the table was)."""

import datetime as dt

import pytest

from clients.tests.factories import ClientFactory, ObjectiveFactory, TierFactory, WeeklyGoalFactory
from conftest import log_in
from core.weeks import today, week_start
from tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def book(am, leader):
    premium = TierFactory(code="premium", name="Premium", is_premium=True)
    standard = TierFactory(code="standard", name="Standard")
    for n in range(4):
        client = ClientFactory(account_manager=am, tier=premium if n < 1 else standard, name=f"Client {n}")
        WeeklyGoalFactory(client=client, week_start=week_start(today() - dt.timedelta(days=7)))  # in the period
        ObjectiveFactory(client=client)
        TaskFactory(client=client, due_on=today() - dt.timedelta(days=3))


@pytest.mark.parametrize(
    "path", ["/clients/", "/goals/", "/tasks/?kind=overdue", "/retention/", "/objectives/", "/next-week/"]
)
def test_a_filter_change_updates_the_header_and_nests_no_page(page, book, path):
    page.set_default_timeout(30_000)
    log_in(page, "leader")
    page.goto(path)
    before = page.locator(".page-header .subtitle").first.inner_text()
    with page.expect_response(lambda r: "tier=premium" in r.url):
        page.locator("form.filterbar select[name=tier]").select_option("premium")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    assert page.locator(".topbar").count() == 1 and page.locator(".page-header").count() == 1
    assert "tier=premium" in page.locator(".page-header .header-links a").first.get_attribute("href")
    if path not in ("/retention/", "/next-week/"):  # a ratio, and a week's dates; the others count rows
        assert page.locator(".page-header .subtitle").first.inner_text() != before
    assert page.console_errors == []
