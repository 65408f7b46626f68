"""Contracts, renewal outcomes and upsells: each outcome writes its revenue event, once, audited;
and the renewal early-warning rule (notice period + 30 days, risk 1–2)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clients import revenue_services as rs
from clients.models import Client, Contract, EarlyWarning, Play, RevenueEvent, WarningRule
from clients.services import revenue_event_record
from clients.tests.factories import ClientFactory, RiskAssessmentFactory
from clients.tests.test_warnings import QUIET
from clients.warnings import Rule, evaluate
from core.models import AuditEntry
from core.weeks import today

D = Decimal


@pytest.fixture
def paying(am, leader) -> Client:
    client = ClientFactory(account_manager=am, mrr=D("0"))
    revenue_event_record(
        client=client, kind="new", amount=D("1000"), occurred_on=today() - dt.timedelta(days=300), by=leader
    )
    client.refresh_from_db()
    return client


@pytest.fixture
def term(paying, leader) -> Contract:
    start = today() - dt.timedelta(days=300)
    return rs.contract_create(
        client=paying, starts_on=start, renews_on=start + dt.timedelta(days=365), committed_mrr=D("1000"),
        notice_days=60, auto_renew=False, by=leader,
    )  # fmt: skip


@pytest.mark.django_db
def test_renegotiated_up_writes_an_expansion_of_the_difference_and_opens_the_next_term(term, leader):
    rs.renewal_record(contract=term, outcome="renegotiated_up", decided_on=today(), new_mrr=D("1300"), by=leader)
    term.refresh_from_db()
    event = term.revenue_event
    assert (event.kind, event.amount, event.occurred_on) == ("expansion", D("300"), today())
    assert Client.objects.get(pk=term.client_id).mrr == D("1300")
    following = Contract.objects.get(client=term.client, starts_on=term.renews_on)
    assert (following.committed_mrr, following.term_days, following.outcome) == (D("1300"), 365, "")
    assert AuditEntry.objects.filter(model="contract", object_id=str(term.pk), action="update").exists()


@pytest.mark.django_db
def test_renegotiated_down_writes_a_contraction_of_the_difference(term, leader):
    rs.renewal_record(contract=term, outcome="renegotiated_down", decided_on=today(), new_mrr=D("800"), by=leader)
    term.refresh_from_db()
    assert (term.revenue_event.kind, term.revenue_event.amount) == ("contraction", D("200"))
    assert Contract.objects.get(client=term.client, starts_on=term.renews_on).committed_mrr == D("800")


@pytest.mark.django_db
def test_renewed_writes_no_event_and_opens_the_next_term_at_the_same_mrr(term, leader):
    events = RevenueEvent.objects.count()
    rs.renewal_record(contract=term, outcome="renewed", decided_on=today(), by=leader)
    assert RevenueEvent.objects.count() == events  # MRR did not move
    following = Contract.objects.get(client=term.client, starts_on=term.renews_on)
    assert following.committed_mrr == D("1000")
    with pytest.raises(ValidationError, match="before the contract's start"):
        rs.renewal_record(contract=following, outcome="renewed", decided_on=today(), by=leader)


@pytest.mark.django_db
def test_a_churned_renewal_churns_the_client_and_opens_no_term(term, leader):
    rs.renewal_record(contract=term, outcome="churned", decided_on=today(), churn_reason="competitor", by=leader)
    client = Client.objects.get(pk=term.client_id)
    assert (client.lifecycle_stage, client.churn_reason, client.mrr) == ("churned", "competitor", D("0"))
    term.refresh_from_db()
    assert (term.revenue_event.kind, term.revenue_event.amount) == ("churn", D("1000"))
    assert Contract.objects.filter(client=client).count() == 1


@pytest.mark.django_db
def test_an_outcome_is_recorded_once_and_must_make_sense(term, leader):
    with pytest.raises(ValidationError) as error:
        rs.renewal_record(contract=term, outcome="renegotiated_up", decided_on=today(), new_mrr=D("900"), by=leader)
    assert "new_mrr" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rs.renewal_record(contract=term, outcome="churned", decided_on=today(), by=leader)
    assert "churn_reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        rs.renewal_record(contract=term, outcome="renewed", decided_on=today() + dt.timedelta(days=1), by=leader)
    rs.renewal_record(contract=term, outcome="renewed", decided_on=today(), by=leader)
    with pytest.raises(ValidationError, match="already recorded"):
        rs.renewal_record(contract=term, outcome="renewed", decided_on=today(), by=leader)


@pytest.mark.django_db
def test_terms_of_one_client_do_not_overlap(term, leader):
    with pytest.raises(ValidationError, match="overlaps"):
        rs.contract_create(
            client=term.client, starts_on=term.starts_on + dt.timedelta(days=30),
            renews_on=term.renews_on + dt.timedelta(days=30), committed_mrr=D("1"), notice_days=30,
            auto_renew=False, by=leader,
        )  # fmt: skip


@pytest.mark.django_db
def test_a_won_upsell_writes_an_expansion_and_a_lost_one_nothing(paying, am):
    won = rs.opportunity_create(client=paying, title="Paid social", expected_mrr=D("400"), owner=am,
                                identified_on=today() - dt.timedelta(days=20), by=am)  # fmt: skip
    rs.opportunity_move(opportunity=won, stage="proposed", on=today(), by=am)
    rs.opportunity_move(opportunity=won, stage="won", on=today(), won_mrr=D("450"), by=am)
    won.refresh_from_db()
    assert (won.stage, won.closed_on, won.expected_mrr) == ("won", today(), D("450"))
    assert (won.revenue_event.kind, won.revenue_event.amount) == ("expansion", D("450"))
    assert Client.objects.get(pk=paying.pk).mrr == D("1450")
    with pytest.raises(ValidationError, match="closed"):
        rs.opportunity_move(opportunity=won, stage="lost", on=today(), by=am)
    lost = rs.opportunity_create(client=paying, title="SEO", expected_mrr=D("100"), owner=am,
                                 identified_on=today(), by=am)  # fmt: skip
    events = RevenueEvent.objects.count()
    rs.opportunity_move(opportunity=lost, stage="lost", on=today(), by=am)
    assert RevenueEvent.objects.count() == events


# --- the renewal rule -------------------------------------------------------------------------

RULE = [Rule("renewal_due", D("30"))]


def inputs(days_to_renewal: int, notice: int, risk: int | None):
    return replace(QUIET, risk_score=risk, renewal=(QUIET.on + dt.timedelta(days=days_to_renewal), notice))


@pytest.mark.django_db
def test_the_renewal_rule_fires_inside_the_notice_period_plus_30_days_at_risk_1_or_2():
    assert [f.rule for f in evaluate(inputs(90, 60, 2), RULE)] == ["renewal_due"]  # 90 ≤ 60 + 30
    assert evaluate(inputs(91, 60, 2), RULE) == []
    assert evaluate(inputs(10, 60, 3), RULE) == []  # moderate risk
    assert evaluate(inputs(10, 60, None), RULE) == []
    [firing] = evaluate(inputs(-3, 30, 1), RULE)
    assert "passed 3 days ago" in firing.reason and firing.anchor == "contract-panel"
    assert evaluate(replace(QUIET, risk_score=1, renewal=None), RULE) == []  # no contract


@pytest.mark.django_db
def test_the_nightly_rollup_fires_the_renewal_rule_and_its_play_exists(term, am):
    from godview.rollup import rollup_day

    assert WarningRule.objects.filter(code="renewal_due", threshold=D("30")).exists()
    assert Play.objects.get(rule="renewal_due").steps.count() == 2
    RiskAssessmentFactory(client=term.client, score=2)
    Contract.objects.filter(pk=term.pk).update(renews_on=today() + dt.timedelta(days=70))  # 60 + 30 days
    rollup_day(today())
    warning = EarlyWarning.objects.get(client=term.client, rule="renewal_due", resolved_on__isnull=True)
    assert "in 70 days" in warning.reason
