"""The site frame in a real browser: log in, see the frame, no CSP violation, log out."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_logs_in_sees_the_frame_and_logs_out_without_console_errors(page, login, leader):
    login(page, "leader")
    assert page.get_by_role("link", name="God-view").first.is_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof Plotly") == "object"
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    assert page.console_errors == [], page.console_errors


def test_a_long_name_is_cut_short_and_does_not_fold_the_wide_bar(page, login, leader):
    """The bar folds only for the screen and the labels: a long name once folded it at 1440 px,
    and the Log out button went behind the menu for some names and not for others. Below 1600 px
    the role is in the name's tooltip only."""
    leader.first_name, leader.last_name = "Maximiliana-Josephine", "Oyelaran-Whitcombe Vanderberg"
    leader.is_staff = True  # the Admin link too
    leader.save(update_fields=["first_name", "last_name", "is_staff"])
    login(page, "leader")
    assert page.evaluate("document.documentElement.classList.contains('folded')") is False
    name = page.locator(".whoami-name")
    assert name.get_attribute("title").startswith("Maximiliana-Josephine Oyelaran-Whitcombe Vanderberg")
    assert name.evaluate("e => e.scrollWidth > e.clientWidth")  # cut short, the tooltip has it whole
    assert page.get_by_role("button", name="Log out").is_visible()
