"""Issue 18 in Chromium: Back restores what the URL says, and nothing fails silently."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest

from clients.models import Client
from clients.tests.factories import ClientFactory
from core.weeks import today
from godview.rollup import rollup_day
from godview.tests.conftest import build_clients

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(pod, other_pod, am, other_am, leader):
    build_clients(6, [am, other_am])
    rollup_day(today() - dt.timedelta(days=1))
    rollup_day(today())


def filter_bar_matches_url(page) -> None:
    query = parse_qs(urlparse(page.url).query)
    for name in ("period", "pod"):
        select = page.locator(f"form.filterbar select[name={name}]")
        expected = query.get(name, [None])[0]
        shown = select.input_value()
        if expected is None:  # the default: the first option
            expected = select.locator("option").first.get_attribute("value")
        assert shown == expected, f"{name}: the bar shows {shown!r}, the URL says {expected!r}"


def test_back_after_two_filter_changes_shows_the_earlier_filters_and_draws_the_risk_charts(page, login, seeded, pod):
    login(page, "leader")
    page.goto("/")
    page.locator("#risk .chart .main-svg").first.wait_for()
    page.select_option("#id_period", "12w")
    page.wait_for_url(re.compile(r"period=12w"))
    page.locator("#risk .chart .main-svg").first.wait_for()
    page.select_option("#id_pod", str(pod.pk))
    page.wait_for_url(re.compile(rf"pod={pod.pk}"))
    page.locator("#risk .chart .main-svg").first.wait_for()

    page.go_back()
    page.wait_for_url(lambda url: "period=12w" in url and f"pod={pod.pk}" not in url)
    page.locator("#risk .chart .main-svg").first.wait_for()
    filter_bar_matches_url(page)
    assert "12 complete weeks" in page.locator("#period-line").inner_text()
    assert page.locator("#risk .chart:has(.main-svg)").count() == 2  # both risk charts drew

    page.go_back()
    page.wait_for_url(lambda url: "period=" not in url)
    page.locator("#risk .chart .main-svg").first.wait_for()
    filter_bar_matches_url(page)
    csp = [e for e in page.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert csp == []


def test_a_widget_whose_request_fails_says_so_and_retries(page, login, seeded):
    login(page, "leader")
    failing = {"on": True}

    def answer(route):
        if failing["on"]:
            route.fulfill(status=500, body="boom")
        else:
            route.continue_()

    page.route(re.compile(r"/widgets/risk/"), answer)
    page.goto("/")
    risk = page.locator("#risk")
    risk.get_by_role("alert").wait_for()
    assert "could not load" in risk.inner_text() and "500" in risk.inner_text()
    assert risk.get_attribute("aria-busy") == "false"  # its spinner stops
    failing["on"] = False
    risk.get_by_role("button", name="Retry").click()
    page.locator("#risk .chart .main-svg").first.wait_for()
    assert page.locator("#risk [role=alert]").count() == 0


def test_a_failed_filter_change_keeps_the_bar_on_the_figures_shown(page, login, seeded):
    login(page, "leader")
    page.goto("/")
    page.locator("#risk .chart .main-svg").first.wait_for()
    page.route(re.compile(r"/\?.*period=12w"), lambda route: route.fulfill(status=500, body="boom"))
    page.select_option("#id_period", "12w")
    alert = page.locator("form.filterbar [role=alert]")
    alert.wait_for()
    assert "not applied" in alert.inner_text() and "500" in alert.inner_text()
    assert page.locator("#id_period").input_value() == "4w"  # back to what the figures are for
    assert "period=12w" not in page.url
    assert "4 complete weeks" in page.locator("#period-line").inner_text()


def test_a_quick_form_whose_save_fails_says_so_and_keeps_the_text(page, login, am):
    client = ClientFactory(name="Acme Rockets", account_manager=am)
    login(page, "am")
    page.goto("/my/")

    def fail_the_save(route):
        if route.request.method == "POST":
            route.fulfill(status=500, body="boom")
        else:
            route.continue_()

    page.route(re.compile(r"/work/contact/"), fail_the_save)
    row = page.locator(f"#client-{client.pk}")
    row.get_by_role("button", name="Log contact").click()
    form = page.locator(f"#contact-form-{client.pk}")
    form.get_by_label("Who").fill("Dana (CMO)")
    form.get_by_label("Summary").fill("Agreed the Q3 plan.")
    form.get_by_role("button", name="Log contact").click()
    alert = form.get_by_role("alert")
    alert.wait_for()
    assert "Not saved" in alert.inner_text() and "500" in alert.inner_text()
    assert form.get_by_label("Summary").input_value() == "Agreed the Q3 plan."
    assert not Client.objects.get(pk=client.pk).contacts.exists()


def test_a_click_on_a_risk_bar_opens_its_clients(page, login, seeded, pod):
    login(page, "leader")
    page.goto(f"/?pod={pod.pk}")
    bars = page.locator("#risk-distribution .bars .point path")
    bars.first.wait_for()
    tall = next(bars.nth(i) for i in range(bars.count()) if bars.nth(i).bounding_box()["height"] > 4)
    tall.scroll_into_view_if_needed()
    box = tall.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.wait_for_url(re.compile(r"/clients/\?"))
    query = parse_qs(urlparse(page.url).query)
    assert query["pod"] == [str(pod.pk)] and query["risk"][0] in {"1", "2", "3", "4", "none"}
    assert page.locator("#client-table tbody tr").count() >= 1
    assert page.console_errors == []
