"""Root fixtures: the personas of DESIGN ("People") and a Playwright browser for live tests.

Pod A: `pod_lead` leads it; `am` and `designer` work in it. Pod B: `other_am`.
"""

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.models import Pod, Role, User
from accounts.tests.factories import PASSWORD, PodFactory, UserFactory


def load_catalog_tools():
    """locale/catalogs.py, by path: a `locale` package would shadow the standard library's."""
    if "catalogs" in sys.modules:
        return sys.modules["catalogs"]
    spec = importlib.util.spec_from_file_location("catalogs", Path(__file__).parent / "locale" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogs"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def pytest_configure(config):
    # The .mo files are build output (not in git): compile what changed, in pure Python.
    load_catalog_tools().compile_stale()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request served in French or Arabic leaves its
    language active in the thread (LocaleMiddleware does not undo it), and messages that follow
    would come out translated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def pod(db) -> Pod:
    return PodFactory(name="Pod A")


@pytest.fixture
def other_pod(db) -> Pod:
    return PodFactory(name="Pod B")


@pytest.fixture
def leader(db) -> User:
    return UserFactory(username="leader", role=Role.LEADERSHIP)


@pytest.fixture
def pod_lead(pod) -> User:
    user = UserFactory(username="podlead", role=Role.POD_LEAD, pod=pod)
    pod.lead = user
    pod.save(update_fields=["lead"])
    return user


@pytest.fixture
def am(pod) -> User:
    return UserFactory(username="am", role=Role.ACCOUNT_MANAGER, pod=pod)


@pytest.fixture
def other_am(other_pod) -> User:
    return UserFactory(username="otheram", role=Role.ACCOUNT_MANAGER, pod=other_pod)


@pytest.fixture
def designer(pod) -> User:
    return UserFactory(username="designer", role=Role.DESIGNER, pod=pod)


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(username="admin", role=Role.LEADERSHIP, is_staff=True, is_superuser=True)


@pytest.fixture
def personas(leader, pod_lead, am, other_am, designer, admin_user) -> dict[str, User]:
    return {
        "leader": leader,
        "pod_lead": pod_lead,
        "am": am,
        "other_am": other_am,
        "designer": designer,
        "admin": admin_user,
    }


# --- browser tests -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright (no browser download: there is no internet)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Browser tests need Chromium: apt-get install -y chromium (.ci/run does this).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server) -> Iterator:
    """A fresh browser page with `page.base_url` and a list of console errors in `page.console_errors`."""
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    browser_page = context.new_page()
    browser_page.console_errors = []
    browser_page.on(
        "console", lambda message: message.type == "error" and browser_page.console_errors.append(message.text)
    )
    browser_page.set_default_timeout(10_000)
    yield browser_page
    context.close()


def log_in(browser_page, username: str, password: str = PASSWORD) -> None:
    browser_page.goto("/login/")
    browser_page.get_by_label("Username").fill(username)
    browser_page.get_by_label("Password").fill(password)
    browser_page.get_by_role("button", name="Log in").click()
    browser_page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def login():
    return log_in
