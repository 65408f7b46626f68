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
