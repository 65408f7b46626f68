"""The daily signal history: runs of firing days, extended night by night, the same whichever
days are re-run, and rebuilt from the stored daily figures by `rebuild_signal_history`."""

import datetime as dt
import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clients.models import DailySnapshot, EarlyWarning
from clients.tests.factories import ClientFactory, ContactFactory, RiskAssessmentFactory
from core.weeks import today
from godview.lab import runs_from_days
from godview.models import HEALTH_LE_2, RISK_LE_2, SignalRun
from godview.rollup import rollup_day, rollup_range
from godview.signal_history import record_day, set_day

D = dt.date(2026, 3, 10)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def runs(client=None, signal: str = "stale_contact") -> list[tuple[dt.date, dt.date]]:
    rows = SignalRun.objects.filter(signal=signal)
    if client is not None:
        rows = rows.filter(client=client)
    return list(rows.order_by("first_day").values_list("first_day", "last_day"))


# --- the pure edit of one day --------------------------------------------------------------


def test_a_firing_day_after_a_run_extends_it_and_a_gap_opens_a_new_one():
    assert set_day([(day(0), day(1))], day(2), True) == [(day(0), day(2))]
    assert set_day([(day(0), day(1))], day(3), True) == [(day(0), day(1)), (day(3), day(3))]


def test_a_firing_day_between_two_runs_joins_them_and_a_quiet_day_splits_them_again():
    joined = set_day([(day(0), day(1)), (day(3), day(4))], day(2), True)
    assert joined == [(day(0), day(4))]
    assert set_day(joined, day(2), False) == [(day(0), day(1)), (day(3), day(4))]
    assert set_day([(day(0), day(0))], day(0), False) == []


def test_any_order_of_reruns_leaves_the_runs_of_the_days_that_fired():
    rng = random.Random(7)
    fires = {day(n): rng.random() < 0.5 for n in range(60)}
    current: list = []
    for on in sorted(fires):
        current = set_day(current, on, fires[on])
    for on in rng.sample(sorted(fires), 40):  # the rollup re-runs past days, in any order
        current = set_day(current, on, fires[on])
    assert current == runs_from_days(on for on, fired in fires.items() if fired)


# --- record_day against the database -------------------------------------------------------


@pytest.mark.django_db
def test_recording_days_extends_opens_and_rerunning_a_day_changes_nothing(am):
    client = ClientFactory(account_manager=am)
    for n in (0, 1, 3):
        record_day(day(n), {client.pk: {"stale_contact"}})
    assert runs(client) == [(day(0), day(1)), (day(3), day(3))]
    record_day(day(1), {client.pk: {"stale_contact"}})
    record_day(day(2), {})
    assert runs(client) == [(day(0), day(1)), (day(3), day(3))]
    record_day(day(2), {client.pk: {"stale_contact"}})  # a re-run that now fires joins the runs
    assert runs(client) == [(day(0), day(3))]
    record_day(day(2), {})
    assert runs(client) == [(day(0), day(1)), (day(3), day(3))]


@pytest.mark.django_db
def test_the_rollup_records_rule_health_and_risk_signals_and_a_rerun_gives_the_same_runs(am):
    client = ClientFactory(account_manager=am)
    ContactFactory(client=client, contacted_on=today() - dt.timedelta(days=30))
    RiskAssessmentFactory(client=client, score=1, assessed_at=timezone.now() - dt.timedelta(days=20))
    first = today() - dt.timedelta(days=4)
    rollup_range(end=today() - dt.timedelta(days=1), days=4)
    expected = [(first, today() - dt.timedelta(days=1))]
    assert runs(client, RISK_LE_2) == expected
    assert runs(client, "risk_score") == expected
    assert runs(client, "stale_contact") == expected
    before = sorted(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day"))
    rollup_day(first + dt.timedelta(days=1))
    rollup_day(first)
    assert sorted(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day")) == before


@pytest.mark.django_db
def test_a_churned_clients_days_fire_nothing(am):
    client = ClientFactory(
        account_manager=am, lifecycle_stage="churned", churned_on=today() - dt.timedelta(days=5), churn_reason="price"
    )
    RiskAssessmentFactory(client=client, score=1)
    rollup_day(today())
    assert not SignalRun.objects.filter(client=client).exists()


# --- rebuild from the stored figures -------------------------------------------------------


def snapshot(client, n: int, health: int, risk: int | None = 3) -> DailySnapshot:
    return DailySnapshot.objects.create(client=client, date=day(n), health_score=health, risk_score=risk)


@pytest.mark.django_db
def test_rebuild_reads_scores_from_snapshots_and_rules_from_early_warnings(am):
    client = ClientFactory(account_manager=am)
    for n, health, risk in [(0, 2, 2), (1, 1, 3), (2, 3, 2), (3, 2, 1), (4, 4, 4)]:
        snapshot(client, n, health, risk)
    DailySnapshot.objects.create(client=client, date=day(5), health_score=1, is_active=False)
    EarlyWarning.objects.create(client=client, rule="stale_contact", reason="x", fired_on=day(-3), resolved_on=day(2))
    EarlyWarning.objects.create(client=client, rule="stale_contact", reason="x", fired_on=day(4))
    out = io.StringIO()
    call_command("rebuild_signal_history", "--since", D.isoformat(), stdout=out)
    assert runs(client, HEALTH_LE_2) == [(day(0), day(1)), (day(3), day(3))]
    assert runs(client, RISK_LE_2) == [(day(0), day(0)), (day(2), day(3))]
    # From --since (the warning began before it) to the day before it resolved; the open one
    # runs to the last stored day.
    assert runs(client) == [(day(0), day(1)), (day(4), day(5))]
    assert "runs" in out.getvalue()
    rebuilt = sorted(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day"))
    call_command("rebuild_signal_history", "--since", D.isoformat(), stdout=io.StringIO())
    assert sorted(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day")) == rebuilt


@pytest.mark.django_db
def test_rebuild_keeps_the_runs_before_since_and_joins_the_one_that_continues(am):
    client = ClientFactory(account_manager=am)
    SignalRun.objects.create(client=client, signal=HEALTH_LE_2, first_day=day(-10), last_day=day(-8))
    SignalRun.objects.create(client=client, signal=HEALTH_LE_2, first_day=day(-3), last_day=day(6))
    for n in range(3):
        snapshot(client, n, 2)
    call_command("rebuild_signal_history", "--since", D.isoformat(), stdout=io.StringIO())
    assert runs(client, HEALTH_LE_2) == [(day(-10), day(-8)), (day(-3), day(2))]


def test_rebuild_refuses_a_bad_date():
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_signal_history", "--since", "yesterday")
