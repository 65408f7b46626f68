"""The deviations found when the figures were checked against DESIGN by hand (issue 12), each
computed here by hand from its rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import PodFactory, UserFactory
from clients.models import DailySnapshot, EarlyWarning, WarningRule
from clients.tests.factories import ClientFactory, NPSResponseFactory, ObjectiveFactory, RevenueEventFactory
from core.numbers import half_up, money_text, percent_text, points_text
from core.templatetags.numbers import short_date
from core.weeks import today
from godview import metrics
from godview.client_health import health_for
from godview.forms import Filters
from godview.rollup import rollup_day
from godview.selectors import kpi_strip
from tasks.tests.factories import TimeEntryFactory
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db


def kpi(user, key: str):
    return next(k for k in kpi_strip(user, Filters(), "/clients/") if k.key == key)


# --- span of control ---------------------------------------------------------------------------


@override_settings(SPAN_OF_CONTROL_LIMIT=8, SPAN_OF_CONTROL_LIMIT_GENERAL=15)
def test_span_of_control_flags_above_8_for_specialised_work_and_above_15_for_a_general_team(client, leader):
    lead = UserFactory(role=Role.POD_LEAD)
    pod = PodFactory(name="Wide", lead=lead, specialised=False)
    lead.pod = pod
    lead.save()
    for _ in range(10):
        UserFactory(role=Role.ACCOUNT_MANAGER, pod=pod)
    client.force_login(leader)
    assert not client.get(reverse("pod_detail", kwargs={"pk": pod.pk})).context["span_flag"]  # 10 ≤ 15
    pod.specialised = True
    pod.save()
    response = client.get(reverse("pod_detail", kwargs={"pk": pod.pk}))
    assert response.context["span_flag"]  # 10 > 8
    assert "above the limit of 8" in response.content.decode()
    with override_settings(SPAN_OF_CONTROL_LIMIT=12):  # the setting is read
        assert not client.get(reverse("pod_detail", kwargs={"pk": pod.pk})).context["span_flag"]


# --- training compliance -----------------------------------------------------------------------


def test_training_compliance_on_the_kpi_strip_counts_leadership_as_the_training_page_does(client, leader, am):
    module = TrainingModuleFactory(required_roles=[Role.ACCOUNT_MANAGER, Role.LEADERSHIP])
    TrainingResultFactory(user=leader, module=module)
    # Required: the leader's and the AM's (2); passed: the leader's (1).
    assert kpi(leader, "training").value == pytest.approx(0.5)
    client.force_login(leader)
    assert client.get(reverse("training")).context["compliance"] == 50


# --- objective pace ----------------------------------------------------------------------------


def test_the_objective_rule_uses_the_threshold_from_admin_and_exact_values(am):
    day = today()
    acme = ClientFactory(account_manager=am)
    # 40 days of 100 gone (40 %), 14.96 % of the way: 25.04 points behind (rounded, 25.0: "not behind").
    ObjectiveFactory(
        client=acme,
        baseline=Decimal("0"),
        target=Decimal("100"),
        current_value=Decimal("14.96"),
        start_date=day - dt.timedelta(days=40),
        due_date=day + dt.timedelta(days=60),
    )
    rollup_day(day)
    assert EarlyWarning.objects.filter(client=acme, rule="objective_behind", resolved_on__isnull=True).exists()
    WarningRule.objects.filter(code="objective_behind").update(threshold=Decimal("30"))
    rollup_day(day)
    assert not EarlyWarning.objects.filter(client=acme, rule="objective_behind", resolved_on__isnull=True).exists()
    objectives = next(f for f in health_for(acme).factors if f.code == "objectives")
    assert objectives.detail == "0 of 1 objectives behind pace"  # the page uses the same threshold


def test_the_client_pages_health_signal_leaves_out_objectives_not_yet_started_as_the_nightly_one_does(am):
    day = today()
    acme = ClientFactory(account_manager=am)
    ObjectiveFactory(client=acme, start_date=day + dt.timedelta(days=5), due_date=day + dt.timedelta(days=95))
    objectives = next(f for f in health_for(acme).factors if f.code == "objectives")
    assert objectives.detail == "No open objectives"
    rollup_day(day)
    assert DailySnapshot.objects.get(client=acme, date=day).health_score == health_for(acme).score


# --- NPS detractor -----------------------------------------------------------------------------


def test_the_detractor_warning_pairs_the_worst_score_with_its_own_date(am):
    day = today()
    acme = ClientFactory(account_manager=am)
    worst_on = day - dt.timedelta(days=40)
    NPSResponseFactory(client=acme, score=2, responded_on=worst_on)
    NPSResponseFactory(client=acme, score=6, responded_on=day - dt.timedelta(days=3))
    rollup_day(day)
    reason = EarlyWarning.objects.get(client=acme, rule="nps_detractor").reason
    assert reason == f"NPS detractor: scored 2 on {short_date(worst_on)}"


# --- profitability -----------------------------------------------------------------------------


def test_profitability_covers_the_30_days_the_card_names(client, am):
    acme = ClientFactory(account_manager=am, mrr=Decimal("3000"))
    day = today()
    TimeEntryFactory(client=acme, user=am, hours=Decimal("2"), started_at=_noon(day - dt.timedelta(days=29)))
    TimeEntryFactory(client=acme, user=am, hours=Decimal("5"), started_at=_noon(day - dt.timedelta(days=30)))
    client.force_login(am)
    response = client.get(reverse("client_detail", kwargs={"pk": acme.pk}))
    assert response.context["hours"]["hours"] == Decimal("2")
    assert "Last 30 days" in response.content.decode()


def _noon(day: dt.date) -> dt.datetime:
    from core.weeks import agency_tz

    return dt.datetime.combine(day, dt.time(12), tzinfo=agency_tz())


# --- one rounding rule, half up ----------------------------------------------------------------


def test_every_figure_rounds_halves_up():
    assert percent_text(Decimal("0.625")) == percent_text(0.625) == "63%"
    assert points_text(0.125) == "+13 pts"
    assert money_text(Decimal("2.5")) == "3"
    assert money_text(12_345) == "12.3k"
    assert money_text(Decimal("12350")) == "12.4k"
    assert half_up(62.5) == 63 and half_up(-2.5) == -3


def test_grr_of_62_and_a_half_percent_reads_63_beside_nrr(leader, am):
    acme = ClientFactory(account_manager=am, started_on=today() - dt.timedelta(days=500))
    RevenueEventFactory(client=acme, kind="new", amount=Decimal("800"), occurred_on=today() - dt.timedelta(days=450))
    RevenueEventFactory(
        client=acme, kind="contraction", amount=Decimal("300"), occurred_on=today() - dt.timedelta(days=30)
    )
    # GRR = (800 − 300) ÷ 800 = 62.5 %.
    assert metrics.grr(Decimal("800"), Decimal("300"), Decimal("0")) == pytest.approx(0.625)
    assert kpi(leader, "nrr").note == "GRR 63%"
