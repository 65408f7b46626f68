"""The health lab's what-if: a rule's figures at another threshold, recomputed from the stored daily
figures, equal those of a real re-run of the nightly rollup with that threshold saved; the page
for it, its bad input, its scope and the marks of a threshold changed in admin."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client, Contract, Tier, WarningRule
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    NPSResponseFactory,
    ObjectiveFactory,
    RiskAssessmentFactory,
    TierFactory,
    WeeklyGoalFactory,
)
from clients.tests.factories_workspace import WaitingPeriodFactory
from core.models import AuditEntry
from core.weeks import agency_tz, today, week_deadline, week_start
from godview.lab import Period
from godview.lab_selectors import signal_figures
from godview.lab_whatif import Threshold, current, recomputed_runs, whatif
from godview.models import SignalRun
from godview.rollup import rollup_range
from tasks.models import DueDateChange
from tasks.tests.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

DAYS = 50
END = today() - dt.timedelta(days=2)
START = END - dt.timedelta(days=DAYS - 1)
PERIOD = Period(START, END)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=agency_tz())


def world(am, clients: int = 6, seed: int = 7) -> list[Client]:
    """Clients with contacts, risk assessments, tasks and weekly goals spread over the days; half of
    them churn inside the period, so each rule's figures have churns to catch."""
    rng = random.Random(seed)
    premium = TierFactory(code="premium", name="Premium", is_premium=True, stale_contact_days=7)
    standard = TierFactory()
    made = []
    for n in range(clients):
        churned = START + dt.timedelta(days=rng.randint(15, DAYS - 3)) if n % 2 == 0 else None
        client = ClientFactory(
            account_manager=am,
            tier=premium if n % 3 == 0 else standard,
            started_on=START - dt.timedelta(days=40),
            lifecycle_stage="churned" if churned else "adopting",
            churned_on=churned,
            churn_reason="price" if churned else "",
        )
        day = START - dt.timedelta(days=30)
        while day < END:
            ContactFactory(client=client, contacted_on=day)
            day += dt.timedelta(days=rng.randint(2, 20))
        day = START - dt.timedelta(days=rng.randint(0, 20))
        while day < END:
            RiskAssessmentFactory(client=client, score=rng.randint(1, 4), assessed_at=at(day))
            day += dt.timedelta(days=rng.randint(5, 25))
        for _ in range(rng.randint(2, 12)):
            due = START + dt.timedelta(days=rng.randint(-10, DAYS))
            done = due + dt.timedelta(days=rng.randint(-3, 12)) if rng.random() < 0.8 else None
            TaskFactory(
                client=client,
                due_on=due,
                created_at_source=at(START - dt.timedelta(days=20)),
                completed_at=at(done) if done else None,
            )
        monday = week_start(START - dt.timedelta(days=8))  # in weeks the nightly history covers whole
        while monday < END:
            for _ in range(rng.randint(1, 3)):
                hit = rng.random() < 0.6
                WeeklyGoalFactory(
                    client=client,
                    week_start=monday,
                    deadline=week_deadline(monday),
                    status="done" if hit else "open",
                    done_at=at(monday + dt.timedelta(days=2)) if hit else None,
                )
            monday += dt.timedelta(weeks=1)
        made.append(client)
    return made


def more_inputs(clients: list[Client], seed: int = 11) -> None:
    """What the other rules read, spread over the days: an objective whose pace slips as time goes,
    detractor responses, waits on the client, hours logged against a budget, due dates moved and a
    contract renewing around the period."""
    rng = random.Random(seed)
    Tier.objects.update(cadence_days=14)
    for client in clients:
        client.monthly_hours_budget = Decimal(rng.choice([8, 12, 20]))
        client.save(update_fields=["monthly_hours_budget"])
        objective = ObjectiveFactory(client=client, baseline=0, target=100, current_value=rng.randint(5, 60),
                         start_date=START - dt.timedelta(days=20), due_date=END + dt.timedelta(days=30))  # fmt: skip
        for goal in client.weekly_goals.all():  # about half the weeks have a goal that serves the objective
            if rng.random() < 0.4:
                goal.objective = objective
                goal.save(update_fields=["objective"])
        for _ in range(rng.randint(1, 3)):
            NPSResponseFactory(
                client=client, score=rng.randint(0, 6), responded_on=START + dt.timedelta(days=rng.randint(-20, DAYS))
            )
        for _ in range(rng.randint(1, 2)):
            since = START + dt.timedelta(days=rng.randint(-5, DAYS - 10))
            WaitingPeriodFactory(
                client=client, started_on=since, ended_on=since + dt.timedelta(days=rng.randint(3, 15))
            )
        for _ in range(rng.randint(4, 12)):
            day = START + dt.timedelta(days=rng.randint(-30, DAYS))
            TimeEntryFactory(client=client, started_at=at(day), hours=Decimal(rng.randint(1, 5)))
        for _ in range(rng.randint(1, 5)):
            due = START + dt.timedelta(days=rng.randint(0, DAYS))
            task = TaskFactory(client=client, due_on=due + dt.timedelta(days=7), original_due_on=due,
                               created_at_source=at(START - dt.timedelta(days=20)))  # fmt: skip
            DueDateChange.objects.create(task=task, old_due_on=due, new_due_on=due + dt.timedelta(days=7),
                                         seen_at=at(due - dt.timedelta(days=rng.randint(0, 3))))  # fmt: skip
        renews = START + dt.timedelta(days=rng.randint(20, DAYS + 40))  # a term that ends around the period
        Contract.objects.create(client=client, starts_on=renews - dt.timedelta(days=365), renews_on=renews,
                                committed_mrr=client.mrr, notice_days=rng.choice([7, 14, 30]))  # fmt: skip


def nightly(days: int = DAYS + 14) -> None:
    """The nightly rollup over the period and the weeks before it, oldest day first."""
    rollup_range(end=END, days=days)


def stored_runs(code: str) -> list[tuple]:
    rows = SignalRun.objects.filter(signal=code, last_day__gte=START - dt.timedelta(days=90), first_day__lte=END)
    return sorted(rows.values_list("client_id", "signal", "first_day", "last_day"))


def same_figures(a, b) -> None:
    assert a.flag_count == b.flag_count
    assert a.false_alarm_count == b.false_alarm_count
    for h in a.horizons:
        x, y = a.horizons[h], b.horizons[h]
        assert (x.flag_count, x.true_flags, x.caught, x.missed) == (y.flag_count, y.true_flags, y.caught, y.missed), h


def save(code: str, threshold: Threshold) -> None:
    """What an admin's save does: the threshold on the rule (or the tiers), one audited write each."""
    if threshold.per_tier:
        for pk, _name, days in threshold.per_tier:
            tier = Tier.objects.get(pk=pk)
            tier.stale_contact_days = days
            tier.save()
        return
    rule = WarningRule.objects.get(code=code)
    rule.threshold = threshold.value
    rule.save()


CASES = {
    "overdue_tasks": lambda now: Threshold(value=Decimal(1)),
    "stale_contact": lambda now: Threshold(per_tier=tuple((pk, name, days - 4) for pk, name, days in now.per_tier)),
    "goal_hit_rate": lambda now: Threshold(value=Decimal(80)),
    "risk_score": lambda now: Threshold(value=Decimal(3)),
    "risk_not_reassessed": lambda now: Threshold(value=Decimal(12)),
    "health_mismatch": lambda now: Threshold(value=Decimal(1)),
}


MORE_CASES = {
    "objective_behind": lambda now: Threshold(value=Decimal(10)),
    "nps_detractor": lambda now: Threshold(value=Decimal(20)),
    "waiting_on_client": lambda now: Threshold(value=Decimal(2)),
    "hours_over_budget": lambda now: Threshold(value=Decimal("0.8")),
    "task_slips": lambda now: Threshold(value=Decimal(1)),
    "off_cadence": lambda now: Threshold(value=Decimal(9)),
    "no_objective_goal": lambda now: Threshold(value=Decimal(5)),
    "renewal_due": lambda now: Threshold(value=Decimal(5)),
}
CASES |= MORE_CASES


@pytest.mark.parametrize("code", CASES)
def test_the_what_if_equals_a_real_rerun_of_the_nightly_history_with_the_new_threshold(am, code):
    clients = world(am)
    if code in MORE_CASES:
        more_inputs(clients)
    nightly()
    scope = Client.objects.all()
    now = current(code)
    tried = CASES[code](now)
    before = signal_figures(scope, PERIOD, code)
    recomputed_now = whatif(scope, code, now, PERIOD)
    predicted = whatif(scope, code, tried, PERIOD)
    predicted_runs = sorted(recomputed_runs(scope, code, tried, PERIOD))
    # The recomputation at today's threshold is the history as it fired: nothing changed since.
    same_figures(recomputed_now, before)
    save(code, tried)
    nightly()  # the real re-run: every day of the history again, with the new threshold
    assert stored_runs(code) == predicted_runs
    after = signal_figures(scope, PERIOD, code)
    same_figures(predicted, after)
    # The new threshold moved something, so the comparison can fail.
    assert predicted_runs != sorted(recomputed_runs(scope, code, now, PERIOD))
    assert sum(len(after.horizons[h].churned) for h in after.horizons) > 0
    assert len(clients) == 6


def test_a_snapshot_keeps_every_rules_input_of_the_night(am):
    client = ClientFactory(account_manager=am, started_on=START - dt.timedelta(days=5))
    RiskAssessmentFactory(client=client, score=2, assessed_at=at(END - dt.timedelta(days=9)))
    TaskFactory(client=client, due_on=END - dt.timedelta(days=11), created_at_source=at(START))
    rollup_range(end=END, days=1)
    snapshot = client.snapshots.get(date=END)
    assert snapshot.days_since_risk_assessment == 9
    assert snapshot.max_days_overdue == 11
    assert snapshot.days_since_detractor is None and snapshot.wait_beyond_agreement is None


# --- the page ---------------------------------------------------------------------------------

QUERY = {"start": START.isoformat(), "end": END.isoformat()}


def test_the_what_if_form_and_its_figures_render_as_a_partial(client, leader, am):
    world(am, clients=4)
    nightly(days=30)
    client.force_login(leader)
    form = client.get("/lab/what-if/", {**QUERY, "rule": "stale_contact"}, HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert form.status_code == 200 and "<html" not in html
    assert 'name="tier_' in html and "Premium: days without contact" in html
    tiers = {f"tier_{pk}": 3 for pk in Tier.objects.values_list("pk", flat=True)}
    tried = client.get("/lab/what-if/", {**QUERY, "rule": "stale_contact", **tiers}, HTTP_HX_REQUEST="true")
    html = tried.content.decode()
    assert tried.status_code == 200
    assert (
        "Current (Premium 7, Standard 14), as it fired" in html and "Tried (Premium 3, Standard 3), recomputed" in html
    )
    assert "this takes seconds" in html  # the indicator says it may take a while
    assert html.count('scope="colgroup"') == 3  # 30, 60 and 90 days
    page = client.get("/lab/what-if/", {**QUERY, "rule": "overdue_tasks", "value": "2"})
    assert page.status_code == 200 and "<html" in page.content.decode() and "Health lab" in page.content.decode()


@pytest.mark.parametrize("value", ["", "many", "0", "1e9", "NaN", "-3"])
def test_a_bad_what_if_value_answers_422_with_a_message(client, leader, value):
    client.force_login(leader)
    response = client.get("/lab/what-if/", {"rule": "overdue_tasks", "value": value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "a number" in response.content.decode()


def test_an_unknown_rule_answers_400(client, leader):
    client.force_login(leader)
    assert client.get("/lab/what-if/", {"rule": "nonsense", "value": "2"}).status_code == 400


def test_account_managers_and_pod_leads_get_404_for_the_what_if(client, am, pod_lead):
    for user in (am, pod_lead):
        client.force_login(user)
        assert client.get("/lab/what-if/", {"rule": "overdue_tasks", "value": "2"}).status_code == 404
        assert client.get("/lab/what-if/", {"rule": "overdue_tasks"}, HTTP_HX_REQUEST="true").status_code == 404


def test_a_threshold_saved_in_admin_is_audited_and_marked_in_the_lab(client, leader, admin_user, am):
    world(am, clients=2)
    client.force_login(admin_user)
    rule = WarningRule.objects.get(code="overdue_tasks")
    response = client.post(
        "/admin/clients/warningrule/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "form-0-enabled": "on",
            "form-0-threshold": "5",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_id=str(rule.pk), changes__has_key="threshold")
    assert entry.user == admin_user and Decimal(entry.changes["threshold"][1]) == 5
    client.force_login(leader)
    html = client.get("/lab/", {"start": (today() - dt.timedelta(days=30)).isoformat()}).content.decode()
    assert "threshold changed" in html and "Thresholds changed during the period" in html
    assert "Overdue tasks, 3 → 5" in html
    whatif_html = client.get(
        "/lab/what-if/",
        {"rule": "overdue_tasks", "value": "2", "start": (today() - dt.timedelta(days=30)).isoformat()},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "threshold changed during the period" in whatif_html and "3 → 5" in whatif_html
    assert "As it fired (mixed thresholds, see below)" in whatif_html and "Current (5), recomputed" in whatif_html


def count(client, params: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/lab/what-if/", params, HTTP_HX_REQUEST="true").status_code == 200
    return len(ctx)


@pytest.mark.parametrize(("rule", "value"), [("overdue_tasks", "1"), ("goal_hit_rate", "70")])
def test_the_what_if_costs_the_same_queries_for_2_or_6_clients(client, leader, am, rule, value):
    # Session and user; the rule's current threshold; the audit trail's threshold changes; the
    # stored runs and churns of the rule; the tried value's firing runs (goal rate: goal days and
    # active spans) and churns.
    world(am, clients=2, seed=1)
    nightly(days=20)
    client.force_login(leader)
    params = {**QUERY, "rule": rule, "value": value}
    small = count(client, params)
    world(am, clients=6, seed=2)
    nightly(days=20)
    assert count(client, params) == small
    assert small <= 12


def test_refilling_the_rule_inputs_of_old_snapshots_touches_nothing_else(am):
    client = ClientFactory(account_manager=am, started_on=START - dt.timedelta(days=5))
    RiskAssessmentFactory(client=client, score=1, assessed_at=at(END - dt.timedelta(days=9)))
    rollup_range(end=END, days=1)
    runs = list(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day"))
    client.snapshots.filter(date=END).update(days_since_risk_assessment=None)  # as stored before the column
    call_command("rollup", "--date", END.isoformat(), "--days", "1", "--rule-inputs-only", stdout=io.StringIO())
    assert client.snapshots.get(date=END).days_since_risk_assessment == 9
    assert list(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day")) == runs
