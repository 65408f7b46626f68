"""Content Security Policy: our templates carry no inline script, style or handler, and no
screen logs a CSP violation (or any other console error) in a real browser."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
FORBIDDEN = {
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "script without src or nonce": re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>", re.I),
    "style element without nonce": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I),
    "htmx hx-on (needs eval)": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_templates_have_no_inline_script_style_or_handler(template):
    text = template.read_text()
    found = [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert found == []


def test_the_policy_keeps_scripts_and_style_elements_nonce_only():
    policy = settings.SECURE_CSP
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["leader", "am"])
def test_no_screen_logs_a_csp_violation_or_any_console_error(page, login, personas, world, username):
    from godview.rollup import rollup_day
    from godview.tests.conftest import build_clients

    build_clients(12, [personas["am"], personas["other_am"]])  # enough data for every chart to draw
    rollup_day()
    client, pod, person = world["client"].pk, world["pod"].pk, world["person"].pk
    screens = ["/", "/clients/", f"/clients/{client}/", "/goals/", "/training/", f"/training/people/{person}/"]
    if username == "leader":
        screens += [
            f"/pods/{pod}/",
            f"/people/{person}/",
            "/review/",
            f"/review/?pod={pod}",
            "/review-queue/",
            "/sync/",
            "/churn/",
            "/capacity/",
        ]
    else:
        screens += ["/my/", "/my/week/", f"/clients/{client}/work/", f"/clients/{client}/reviews/2026/4/", "/reviews/"]
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile));"
    )
    login(page, username)
    charted = []
    for screen in screens:
        page.goto(screen)
        page.wait_for_load_state("networkidle")
        if page.locator(".chart").count():
            page.locator(".chart .main-svg").first.wait_for()  # drawn under the policy
            page.wait_for_timeout(300)
            charted.append(screen)
        assert page.evaluate("window.__csp") == [], screen
    assert "/" in charted
    assert page.console_errors == []
