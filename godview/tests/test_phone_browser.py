"""Every main screen on a 390 px phone, in English and in Arabic (right to left): the page never
scrolls sideways, names its language and direction, and logs no console error; the top bar folds
into a menu; the AM's daily path (Today, a contact, risk, a goal added and closed) works by touch."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from clients.models import Action, Contact, EarlyWarning, RiskAssessment, WeeklyGoal
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    ObjectiveFactory,
    RiskAssessmentFactory,
    WeeklyGoalFactory,
)
from conftest import PASSWORD
from core.weeks import today
from godview.tests.conftest import main_screens

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Fairhaven Payments and Logistics International Holdings"


@pytest.fixture
def agency(pod, am, pod_lead, leader):
    client = ClientFactory(name=LONG_NAME, account_manager=am, mrr=24_200)
    ObjectiveFactory(client=client, title="Double demo requests from organic search this quarter")
    WeeklyGoalFactory(client=client, owner=am, title="Send the monthly report")
    RiskAssessmentFactory(client=client, score=2)
    ContactFactory(client=client, logged_by=am, contacted_on=today() - dt.timedelta(days=20))
    EarlyWarning.objects.create(client=client, rule="stale_contact", reason="No contact for 20 days", fired_on=today())
    Action.objects.create(client=client, owner=am, title="Call the main contact", due_on=today())
    return {"client": client, "pod": pod, "am": am}


def phone(chromium_browser, live_server, language: str, username: str, touch: bool = False):
    context = chromium_browser.new_context(
        viewport=PHONE, base_url=live_server.url, has_touch=touch, is_mobile=touch, locale=language
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.set_default_timeout(30_000)  # a shared, busy machine loads plotly slowly
    page.goto("/login/", wait_until="domcontentloaded")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def htmx_idle(page) -> None:
    """Wait until no htmx request, swap or settle is under way (a tap during a swap lands on a row being replaced)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def width_of(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def too_wide(page) -> list[str]:
    """The innermost elements that reach past the screen's edge, with their nearest id, to name in a failure."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > innerWidth + 1 && r.width > 0
                && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1);
        }).slice(0, 5).map(e => { let p = e; while (p && !p.id) p = p.parentElement;
            return e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + (p ? ' in #' + p.id : ''); })"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_main_screen_scrolls_sideways_on_a_phone(chromium_browser, live_server, agency, language):
    direction = "rtl" if language == "ar" else "ltr"
    for username, paths in main_screens(agency["client"].pk, agency["pod"].pk, agency["am"].pk).items():
        context, page = phone(chromium_browser, live_server, language, username)
        for path in paths:
            assert page.goto(path).status == 200, path
            page.wait_for_load_state("networkidle")
            html_attributes = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
            assert html_attributes == [language, direction], path
            width = width_of(page)
            assert width <= PHONE["width"] + 1, f"{path} ({language}) is {width} px wide: {too_wide(page)}"
        assert page.console_errors == [], page.console_errors
        context.close()
    context = chromium_browser.new_context(viewport=PHONE, base_url=live_server.url, locale=language)
    login = context.new_page()
    login.set_default_timeout(30_000)
    login.goto("/login/", wait_until="networkidle")
    assert width_of(login) <= PHONE["width"] + 1
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_top_bar_folds_into_a_menu_on_a_phone(chromium_browser, live_server, agency, language):
    context, page = phone(chromium_browser, live_server, language, "leader")
    page.goto("/")
    nav = page.locator("#topbar-menu")
    button = page.locator("[data-menu-toggle]")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    box = nav.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_right_to_left_arrows_point_the_way_they_read(chromium_browser, live_server, agency):
    context, page = phone(chromium_browser, live_server, "ar", "am")
    page.goto("/my/week/")
    assert "→" in page.locator("a[rel=prev]").inner_text()  # "previous" is to the right
    assert "←" in page.locator("a[rel=next]").inner_text()
    context.close()


def in_view(page, locator) -> bool:
    """Within the screen's width, and its top on screen (not somewhere below the list)."""
    page.wait_for_timeout(600)  # the smooth scroll into view
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= -1
        and box["x"] + box["width"] <= PHONE["width"] + 1
        and 0 <= box["y"] < PHONE["height"]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_am_does_the_days_work_by_touch_on_a_phone(chromium_browser, live_server, agency, language):
    client = agency["client"]
    second = Action.objects.create(client=client, owner=agency["am"], title="Send the recap", due_on=today())
    third = Action.objects.create(client=client, owner=agency["am"], title="Book the QBR", due_on=today())
    first = Action.objects.get(title="Call the main contact")
    context, page = phone(chromium_browser, live_server, language, "am", touch=True)
    page.goto("/my/")

    # Today: done, snooze, drop, each by a tap, each form in view.
    for item, verb, fields in (
        (first, 0, {"textarea": "Booked the QBR"}),
        (second, 1, {"input[type=text]": "Client on holiday"}),
        (third, 2, {"input[type=text]": "Duplicate of the recap"}),
    ):
        row = page.locator(f"#action-{item.pk}")
        row.locator("summary").nth(verb).tap()
        form = row.locator("details[open] form")
        for selector, text in fields.items():
            field = form.locator(selector).first
            field.scroll_into_view_if_needed()
            assert in_view(page, field)
            field.fill(text)
        form.locator("button[type=submit]").tap()
        expect(page.locator(f"#action-{item.pk}")).not_to_have_class("action-item action-open")
    statuses = dict(Action.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "status"))
    assert statuses == {first.pk: "done", second.pk: "snoozed", third.pk: "dropped"}

    # A contact and the risk, from the client's row: the quick form opens in view.
    htmx_idle(page)
    page.locator(f"#client-{client.pk} [hx-get*='contact']").first.tap()
    form = page.locator(f"#contact-form-{client.pk}")
    form.locator("[name=who]").wait_for()
    assert in_view(page, form)
    form.locator("[name=who]").fill("Dana (CMO)")
    form.locator("[name=summary]").fill("Agreed the Q3 plan.")
    form.locator("button[type=submit]").tap()
    page.locator("#quick-panel .form-saved, #quick-panel [role=status]").first.wait_for()
    assert Contact.objects.filter(client=client, summary="Agreed the Q3 plan.").exists()

    htmx_idle(page)
    page.locator(f"#client-{client.pk} [hx-get*='risk']").first.tap()
    risk = page.locator(f"#risk-form-{client.pk}")
    risk.locator("[name=score][value='3']").wait_for(state="attached")
    assert in_view(page, risk)
    risk.locator("label:has([name=score][value='3'])").tap()
    risk.locator("label:has([name=communication_level][value='3'])").tap()
    risk.locator("label:has([name=reasons])").first.tap()
    risk.locator("button[type=submit]").tap()
    page.locator("#quick-panel .form-saved, #quick-panel [role=status]").first.wait_for()
    assert RiskAssessment.objects.filter(client=client).latest("assessed_at").score == 3

    # A goal added and closed on the client's page.
    page.goto(f"/clients/{client.pk}/work/")
    goal_form = page.locator(f"#goal-form-{client.pk}")
    if not goal_form.is_visible():
        page.locator(f"details:has(#goal-form-{client.pk}) > summary").tap()
    goal_form.locator("[name=title]").fill("Launch the A/B test")
    goal_form.locator("button[type=submit]").tap()
    page.locator("#panel-goals").get_by_text("Launch the A/B test").wait_for()
    goal = WeeklyGoal.objects.get(client=client, title="Launch the A/B test")
    page.locator(f"#goal-{goal.pk} [hx-post*='done']").tap()
    page.locator(f"#goal-{goal.pk} .goal-status-done").wait_for()
    goal.refresh_from_db()
    assert goal.status == "done"
    assert width_of(page) <= PHONE["width"] + 1
    assert page.console_errors == [], page.console_errors
    context.close()
