"""The training screen's main path in a real browser: open, filter by pod, open a person's coaching list."""

import pytest

from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_filters_the_matrix_by_pod_and_opens_a_persons_coaching_list(page, login, personas, pod):
    roles = ["account_manager", "pod_lead", "designer"]
    goals = TrainingModuleFactory(title="Weekly goal setting", required_roles=roles, procedure="## Steps\n\n1. Plan")
    TrainingModuleFactory(title="Risk assessment", required_roles=roles)
    TrainingResultFactory(user=personas["am"], module=goals, score=93)
    am, other_am = str(personas["am"]), str(personas["other_am"])

    login(page, "leader")
    page.goto("/training/")
    matrix = page.locator("#training-body")
    assert matrix.get_by_role("link", name=am).is_visible()
    assert matrix.get_by_role("link", name=other_am).is_visible()

    page.get_by_label("Pod", exact=True).select_option(label="Pod A")
    page.wait_for_url(f"**/training/?pod={pod.pk}*")
    page.get_by_role("link", name=other_am).wait_for(state="detached")
    assert page.locator(".pod-row").first.inner_text().startswith("POD A")

    page.get_by_role("link", name=am).click()
    page.wait_for_url(f"**/training/people/{personas['am'].pk}/")
    coaching = page.locator("#training-person")
    assert coaching.get_by_role("heading", name="Training and coaching list").is_visible()
    assert coaching.get_by_role("heading", name="To do next").is_visible()
    assert "Risk assessment" in coaching.locator(".coaching-list").inner_text()
    assert "1 of 2 required modules passed" in coaching.inner_text()

    coaching.get_by_role("link", name="Risk assessment").first.click()
    assert page.get_by_role("heading", name="Procedure").is_visible()
    assert page.console_errors == [], page.console_errors
