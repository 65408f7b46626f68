"""Renewals due and their forecast, the renewal rate, the expansion pipeline and the lifecycle
funnel, computed by hand from rows (likelihoods of DESIGN: 1: 20%, 2: 50%, 3: 85%, 4: 95%, none: 70%)."""

import datetime as dt
from decimal import Decimal

import pytest

from clients.models import Client, Contract, KickoffItem, Opportunity, RenewalLikelihood
from clients.tests.factories import ClientFactory, RiskAssessmentFactory
from core.weeks import today
from godview import renewals as rn

D = Decimal


def contract(client, renews_in: int, mrr: str, **extra) -> Contract:
    day = today()
    return Contract.objects.create(
        client=client,
        starts_on=day + dt.timedelta(days=renews_in - 365),
        renews_on=day + dt.timedelta(days=renews_in),
        committed_mrr=D(mrr),
        **extra,
    )


@pytest.fixture
def book(am, other_am):
    x = ClientFactory(account_manager=am, name="X")
    y = ClientFactory(account_manager=am, name="Y")
    z = ClientFactory(account_manager=other_am, name="Z")
    w = ClientFactory(account_manager=am, name="W")
    RiskAssessmentFactory(client=x, score=1)
    RiskAssessmentFactory(client=y, score=2)
    RiskAssessmentFactory(client=y, score=4)  # the latest counts
    RiskAssessmentFactory(client=w, score=2)
    contract(x, 10, "1000")
    contract(y, 45, "2000")
    contract(z, 80, "500")  # never assessed
    contract(w, -5, "300")  # past due, no outcome
    contract(ClientFactory(account_manager=am), 120, "9999")  # beyond 90 days
    contract(ClientFactory(account_manager=am), 20, "8888", outcome="renewed", outcome_on=today())  # decided
    return {"x": x, "y": y, "z": z, "w": w}


@pytest.mark.django_db
def test_the_forecast_weighs_each_due_renewal_by_its_current_risk(book):
    on = today()
    upcoming, past = rn.split_due(rn.renewals_due(Client.objects.all(), on), on)
    windows = dict(rn.by_window(upcoming, on))
    assert windows[30] == rn.Bucket(1, D("1000"), D("200.00"))  # X: 1,000 × 20%
    assert windows[60] == rn.Bucket(2, D("3000"), D("2100.00"))  # + Y: 2,000 × 95%
    assert windows[90] == rn.Bucket(3, D("3500"), D("2450.00"))  # + Z: 500 × 70%
    assert rn.bucket(past) == rn.Bucket(1, D("300"), D("150.00"))  # W: 300 × 50%


@pytest.mark.django_db
def test_renewals_by_pod_and_by_risk_score(book, pod, other_pod):
    on = today()
    due = rn.in_window(rn.renewals_due(Client.objects.all(), on), on, 90)
    assert [(name, b.count, b.committed, b.forecast) for _pk, name, b in rn.by_pod(due)] == [
        ("Pod A", 2, D("3000"), D("2100.00")),
        ("Pod B", 1, D("500"), D("350.00")),
    ]
    by_risk = {score: b for score, _likelihood, b in rn.by_risk(due, RenewalLikelihood.table())}
    assert by_risk[1] == rn.Bucket(1, D("1000"), D("200.00"))
    assert by_risk[2].count == 0  # W is past due, not in the window
    assert by_risk[4] == rn.Bucket(1, D("2000"), D("1900.00"))
    assert by_risk[None] == rn.Bucket(1, D("500"), D("350.00"))


@pytest.mark.django_db
def test_an_edited_likelihood_changes_the_forecast(book):
    RenewalLikelihood.objects.filter(risk="1").update(percent=D("30"))
    on = today()
    due = rn.in_window(rn.renewals_due(Client.objects.all(), on), on, 30)
    assert rn.bucket(due).forecast == D("300.00")


@pytest.mark.django_db
def test_the_renewal_rate_is_renewed_over_contracts_whose_date_fell_in_the_period(book):
    c = ClientFactory()
    contract(c, -100, "100", outcome="renegotiated_up", outcome_on=today() - dt.timedelta(days=100))
    contract(ClientFactory(), -200, "100", outcome="churned", outcome_on=today() - dt.timedelta(days=200))
    # In the last year: W (past due, no outcome), the renegotiated one and the churned one.
    assert rn.renewal_rate(Client.objects.all(), today() - dt.timedelta(days=365), today()) == (1, 3)


@pytest.mark.django_db
def test_the_pipeline_sums_expected_mrr_by_stage(am):
    client = ClientFactory(account_manager=am)
    day = today()

    def opp(stage: str, mrr: str, closed_days_ago: int | None = None) -> None:
        closed = day - dt.timedelta(days=closed_days_ago) if closed_days_ago is not None else None
        Opportunity.objects.create(
            client=client, title=stage, expected_mrr=D(mrr), stage=stage, owner=am,
            identified_on=day - dt.timedelta(days=500), closed_on=closed,
        )  # fmt: skip

    opp("identified", "100")
    opp("identified", "200")
    opp("proposed", "300")
    opp("won", "400", 10)
    opp("won", "999", 400)  # closed more than a year ago: not counted
    opp("lost", "50", 30)
    totals = rn.pipeline(Opportunity.objects.all(), day - dt.timedelta(days=365))
    assert [(t.stage, t.count, t.mrr) for t in totals] == [
        ("identified", 2, D("300")),
        ("proposed", 1, D("300")),
        ("won", 1, D("400")),
        ("lost", 1, D("50")),
    ]
    assert rn.open_pipeline(totals) == D("600")
    mine = rn.pipeline_of(Opportunity.objects.filter(owner=am))
    assert (len(mine["opportunities"]), mine["total"]) == (3, D("600"))


@pytest.mark.django_db
def test_the_funnel_counts_active_clients_by_stage_and_time_to_value_is_a_median(am):
    start = today() - dt.timedelta(days=300)
    for days in (30, 90, 100):
        ClientFactory(account_manager=am, started_on=start, value_realised_on=start + dt.timedelta(days=days),
                      lifecycle_stage="value_realised")  # fmt: skip
    onboarding = ClientFactory(account_manager=am, lifecycle_stage="onboarding", mrr=D("700"))
    ClientFactory(account_manager=am, lifecycle_stage="churned", churned_on=today(), churn_reason="price")
    for position, done in ((1, True), (2, True), (3, False)):
        KickoffItem.objects.create(client=onboarding, position=position, text=f"Item {position}",
                                   done_on=today() if done else None)  # fmt: skip
    clients = Client.objects.all()
    funnel = {row["stage"]: (row["count"], row["mrr"]) for row in rn.funnel(clients)}
    assert funnel == {
        "onboarding": (1, D("700")),
        "adopting": (0, D("0")),
        "value_realised": (3, D("15000")),
        "renewing": (0, D("0")),
    }
    assert rn.time_to_value(clients) == (90.0, 3)
    [row] = rn.onboarding(clients)
    assert (row.pk, row.kickoff_done, row.kickoff_total) == (onboarding.pk, 2, 3)


@pytest.mark.django_db
def test_reaching_value_realised_records_the_day_once(am):
    client = ClientFactory(account_manager=am, lifecycle_stage="adopting")
    assert client.value_realised_on is None
    client.lifecycle_stage = "value_realised"
    client.save(update_fields=["lifecycle_stage"])
    client.refresh_from_db()
    assert client.value_realised_on == today()
    client.lifecycle_stage = "renewing"
    client.save()
    client.refresh_from_db()
    assert client.value_realised_on == today()
