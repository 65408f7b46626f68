"""What the workspace screens show: order and reasons, scope, fragments vs pages."""

import datetime as dt

import pytest
from django.urls import reverse

from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, ContactFactory, RiskAssessmentFactory, WeeklyGoalFactory
from core.weeks import today

pytestmark = pytest.mark.django_db


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def test_my_clients_puts_the_riskiest_first_and_says_why(client, am):
    calm = ClientFactory(name="Calm Co", account_manager=am)
    RiskAssessmentFactory(client=calm, score=4)
    ContactFactory(client=calm)
    critical = ClientFactory(name="Critical Co", account_manager=am)
    RiskAssessmentFactory(client=critical, score=1)
    ContactFactory(client=critical, contacted_on=today() - dt.timedelta(days=30))
    silent = ClientFactory(name="Silent Co", account_manager=am)
    RiskAssessmentFactory(client=silent, score=4)
    client.force_login(am)
    html = client.get(reverse("my_clients")).content.decode()
    assert names_in_order(html, ["Calm Co", "Critical Co", "Silent Co"]) == ["Critical Co", "Silent Co", "Calm Co"]
    assert "Risk 1 · Critical" in html
    assert "No contact for 30 days (stale after 14)" in html
    assert "No contact logged" in html
    assert "Nothing pressing" in html


def test_the_not_reassessed_badge_follows_the_early_warning_rule_set_in_admin(client, am):
    from django.utils import timezone

    from clients.models import WarningRule

    stale = ClientFactory(name="Stale Co", account_manager=am)
    RiskAssessmentFactory(client=stale, score=3, assessed_at=timezone.now() - dt.timedelta(days=20))
    ContactFactory(client=stale)
    rule = WarningRule.objects.filter(code=WarningRule.Code.RISK_NOT_REASSESSED)
    client.force_login(am)

    def page() -> str:
        return client.get(reverse("my_clients")).content.decode()

    assert rule.get().threshold == 30 and "Risk not reassessed" not in page()
    rule.update(threshold=14)
    assert "Risk not reassessed for 20 days" in page()
    rule.update(enabled=False)
    assert "Risk not reassessed" not in page()


def test_a_pod_lead_sees_the_pods_clients_and_another_am_sees_none_of_them(client, am, pod_lead, other_am):
    ClientFactory(name="Pod Client", account_manager=am)
    ClientFactory(name="Elsewhere", account_manager=other_am)
    client.force_login(pod_lead)
    html = client.get(reverse("my_clients")).content.decode()
    assert "Pod Client" in html
    assert "Elsewhere" not in html
    client.force_login(other_am)
    html = client.get(reverse("my_clients")).content.decode()
    assert "Pod Client" not in html
    assert "Elsewhere" in html


def test_the_client_list_refresh_is_a_fragment(client, am):
    ClientFactory(name="Acme", account_manager=am)
    client.force_login(am)
    html = client.get(reverse("my_clients"), HTTP_HX_TARGET="client-list", **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="client-list"')
    assert "<html" not in html


def test_the_panel_is_a_fragment_for_htmx_and_a_page_on_its_own(client, world, am):
    client.force_login(am)
    url = reverse("client_workspace", kwargs={"pk": world.client.pk})
    fragment = client.get(url, HTTP_HX_TARGET="client-work", **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="panel"')
    region = client.get(url, HTTP_HX_TARGET="panel-goals", **HTMX).content.decode()
    assert region.lstrip().startswith('<section id="panel-goals"')
    assert world.goal.title in region
    page = client.get(url).content.decode()
    assert "<html" in page
    assert 'id="panel"' in page


def test_leadership_reads_the_panel_but_only_gets_the_revenue_form(client, world, leader):
    client.force_login(leader)
    html = client.get(reverse("client_workspace", kwargs={"pk": world.client.pk}), **HTMX).content.decode()
    assert f'id="revenue-form-{world.client.pk}"' in html
    assert f'id="contact-form-{world.client.pk}"' not in html
    assert "Postpone" not in html


def test_a_designer_gets_only_the_experiment_form(client, world, designer):
    client.force_login(designer)
    html = client.get(reverse("client_workspace", kwargs={"pk": world.client.pk}), **HTMX).content.decode()
    assert f'id="experiment-form-{world.client.pk}"' in html
    assert f'id="risk-form-{world.client.pk}"' not in html


def test_the_week_view_shows_hit_rate_so_far_and_moves_between_weeks(client, world, am):
    WeeklyGoalFactory(client=world.client, title="Second goal")
    client.force_login(am)
    client.post(reverse("goal_done", kwargs={"pk": world.goal.pk}), **HTMX)
    html = client.get(reverse("my_week")).content.decode()
    assert "50%" in html
    assert "1 of 2 goals hit" in html
    assert 'data-copy-target="#summary-' in html
    last_week = client.get(reverse("my_week") + f"?week={(today() - dt.timedelta(weeks=1)).isoformat()}")
    assert last_week.status_code == 200
    assert "Second goal" not in last_week.content.decode()


def test_the_reviews_segment_lists_the_quarter_and_exports_csv(client, world, leader, other_am):
    from clients.tests.factories_workspace import QuarterlyReviewFactory

    QuarterlyReviewFactory(client=ClientFactory(name="Other Client", account_manager=other_am), latest_nps=3)
    client.force_login(leader)
    html = client.get(reverse("reviews_segment")).content.decode()
    assert "Acme" in html
    assert "Other Client" in html
    csv = client.get(reverse("reviews_segment") + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "main contact and role" in csv.getvalue().decode("utf-8-sig").splitlines()[0]
    client.force_login(world.client.account_manager)
    assert "Other Client" not in client.get(reverse("reviews_segment")).content.decode()


def test_the_risk_history_shows_its_trend(client, world, am):
    RiskAssessmentFactory(client=world.client, score=3)
    client.force_login(am)
    client.post(
        reverse("workspace_form", kwargs={"pk": world.client.pk, "kind": "risk"}),
        {"score": "2", "communication_level": "2", "reasons": ["budget_cut"], "form_token": token()},
        **HTMX,
    )
    html = client.get(
        reverse("client_workspace", kwargs={"pk": world.client.pk}), HTTP_HX_TARGET="panel-risk", **HTMX
    ).content.decode()
    assert "riskier than last time" in html
    assert html.index("2 · High") < html.index("3 · Moderate")
