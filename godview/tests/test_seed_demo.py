"""`manage.py seed_demo`: the stated shape, determinism, refusals, and the embedded SQLite path.

One demo of 20 clients is built for the module (about three seconds) and read by most tests;
tests that rebuild it run inside their own transaction, which is rolled back.
"""

import datetime as dt
import io
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from accounts.models import Pod, Role, User
from clients.models import (
    Client,
    Contact,
    DailySnapshot,
    EarlyWarning,
    NPSResponse,
    Postponement,
    QuarterlyReview,
    RevenueEvent,
    RiskAssessment,
    WeeklyGoal,
)
from core.weeks import today, week_deadline, week_start
from godview.demo import PASSWORD, key_figures, wipe_demo
from tasks.models import Source, SyncRun, Task, TimeEntry
from tasks.selectors import data_freshness, sync_sources
from training.models import TrainingModule, TrainingResult

pytestmark = pytest.mark.django_db


ROLLUP_DAYS = 14  # the default year of snapshots is for the demo; two weeks show the wiring


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--rollup-days", str(ROLLUP_DAYS), *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A committed 20-client demo for the whole module, wiped afterwards; yields its key figures."""
    with django_db_blocker.unblock():
        output = seed("--clients", "20", "--seed", "42")
        try:
            yield {"figures": key_figures(), "output": output}
        finally:
            with transaction.atomic():
                wipe_demo()


# --- shape ---------------------------------------------------------------------------------


def test_demo_logins_exist_with_the_roles_their_names_say(demo):
    users = {u.username: u for u in User.objects.filter(username__in=["leader", "podlead", "am", "designer", "admin"])}
    assert users["leader"].role == Role.LEADERSHIP
    assert users["podlead"].role == Role.POD_LEAD
    assert users["am"].role == Role.ACCOUNT_MANAGER
    assert users["designer"].role == Role.DESIGNER
    assert users["admin"].role == Role.LEADERSHIP
    assert users["admin"].is_staff
    assert users["admin"].is_superuser
    assert not users["leader"].is_staff
    assert all(user.check_password(PASSWORD) for user in users.values())


def test_the_summary_lists_the_demo_logins(demo):
    for username in ("leader", "podlead", "am", "designer", "admin"):
        assert f"  {username} " in demo["output"]
    assert "WeeklyGoal" in demo["output"]


def test_podlead_leads_the_pod_of_am_and_designer(demo):
    am = User.objects.select_related("pod__lead").get(username="am")
    assert am.pod.lead.username == "podlead"
    assert User.objects.get(username="designer").pod_id == am.pod_id
    assert User.objects.get(username="podlead").pod_id == am.pod_id


def test_each_pod_has_two_ams_and_a_designer_under_a_pod_lead(demo):
    pods = Pod.objects.select_related("lead")
    assert pods.count() == 1  # one pod per 20 clients
    for pod in pods:
        roles = sorted(pod.members.values_list("role", flat=True))
        assert roles == sorted([Role.ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER, Role.DESIGNER, Role.POD_LEAD])
        assert pod.lead.role == Role.POD_LEAD
    assert User.objects.filter(role=Role.LEADERSHIP).count() >= 2


def test_every_client_is_owned_by_an_account_manager_and_am_owns_several(demo):
    assert not Client.objects.exclude(account_manager__role=Role.ACCOUNT_MANAGER).exists()
    assert Client.objects.filter(account_manager__username="am").count() >= 5


def test_churned_clients_have_a_churn_date_a_reason_and_no_mrr(demo):
    churned = Client.objects.filter(lifecycle_stage="churned")
    assert 2 <= churned.count() <= 4
    for client in churned:
        assert client.churned_on
        assert client.churn_reason
        assert client.mrr == 0
        assert client.revenue_events.filter(kind="churn", occurred_on=client.churned_on).exists()


def test_client_mrr_equals_the_sum_of_its_signed_revenue_events(demo):
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for event in RevenueEvent.objects.all():
        totals[event.client_id] += event.signed_amount
    clients = list(Client.objects.all())
    assert sum(1 for c in clients if c.is_active and c.mrr > 0) >= 15
    for client in clients:
        assert totals[client.pk] == client.mrr, client.name
    assert RevenueEvent.objects.filter(kind="expansion").exists()


def test_postponements_link_the_original_to_a_carried_over_goal_in_a_later_week(demo):
    moves = list(Postponement.objects.select_related("original", "carried_over"))
    assert len(moves) >= 20
    for move in moves:
        original, later = move.original, move.carried_over
        assert original.status == WeeklyGoal.Status.POSTPONED
        assert later.week_start == move.target_week > original.week_start
        assert (later.client_id, later.title) == (original.client_id, original.title)
        assert move.reason


def test_every_goal_week_starts_on_monday_and_its_deadline_is_that_weeks(demo):
    goals = list(WeeklyGoal.objects.only("week_start", "deadline"))
    assert all(g.week_start.weekday() == 0 and g.deadline == week_deadline(g.week_start) for g in goals)


def test_goal_outcomes_mix_hits_misses_postponements_and_cancellations(demo):
    past = WeeklyGoal.objects.counted().filter(week_start__lt=week_start(today()))
    hits = past.filter(status="done", done_at__lte=F("deadline")).count()
    assert 0.6 < hits / past.count() < 0.95
    assert past.filter(status="done", done_at__gt=F("deadline")).exists()  # done late
    assert past.filter(status="open").exists()  # left open
    assert WeeklyGoal.objects.filter(status="cancelled").exclude(cancel_reason="").exists()
    this_week = WeeklyGoal.objects.filter(week_start=week_start(today()))
    assert this_week.filter(status="open").exists()
    assert WeeklyGoal.objects.filter(objective__isnull=False).exists()
    assert WeeklyGoal.objects.filter(waiting_on_client_hours__gt=0).exists()


def test_the_demo_shows_waiting_on_client_agreements_and_missing_reviews(demo):
    from clients.models import EarlyWarning, WaitingPeriod
    from clients.workspace_selectors import review_status_counts
    from core.weeks import quarter_of

    assert WaitingPeriod.objects.filter(goal__isnull=False).exists()  # waits on goals
    assert WaitingPeriod.objects.filter(goal__isnull=True, ended_on__isnull=True).exists()  # open, on the client
    assert Client.objects.filter(agreed_response_days__gt=1).exists()
    assert Client.objects.filter(expectation_agreement_signed_on__isnull=True).exists()
    assert EarlyWarning.objects.filter(rule="waiting_on_client", resolved_on__isnull=True).exists()
    from tasks.models import DueDateChange, TimeEntry

    assert DueDateChange.objects.slips().exists()  # due dates moved at the source
    assert Task.objects.filter(original_due_on__isnull=False).exists()
    assert TimeEntry.objects.filter(source__kind="asana").exists()  # hours from Asana
    assert TimeEntry.objects.filter(source__isnull=True).exists()  # hours logged in God-view
    year, quarter = quarter_of(today())
    (previous,) = review_status_counts(Client.objects.all(), (year, quarter - 1) if quarter > 1 else (year - 1, 4))
    assert previous["missing"] > 0 and previous["submitted"] > 0


def test_history_spans_at_least_seventeen_months(demo):
    since = today() - dt.timedelta(days=17 * 30)
    for model, field in (
        (WeeklyGoal, "week_start"),
        (Contact, "contacted_on"),
        (RiskAssessment, "assessed_at"),
        (Task, "due_on"),
    ):
        earliest = model.objects.order_by(field).values_list(field, flat=True).first()
        day = earliest.date() if isinstance(earliest, dt.datetime) else earliest
        assert day <= since, model.__name__
    assert WeeklyGoal.objects.filter(week_start=week_start(today())).exists()


def test_churned_clients_risk_and_nps_worsen_before_they_leave(demo):
    for client in Client.objects.filter(lifecycle_stage="churned"):
        late = client.churned_on - dt.timedelta(days=45)
        scores = list(client.risk_assessments.order_by("assessed_at").values_list("assessed_at", "score"))
        before = [s for at, s in scores if at.date() < late - dt.timedelta(days=120)]
        last = [s for at, s in scores if at.date() >= late]
        assert last, client.name
        assert min(last) <= 2, client.name
        if before:
            assert sum(last) / len(last) < sum(before) / len(before), client.name
        assert NPSResponse.objects.filter(
            client=client, score__lte=6, responded_on__gte=client.churned_on - dt.timedelta(days=90)
        ).exists()


def test_some_active_clients_are_slipping_now_with_high_risk_and_stale_contact(demo):
    slipping = [
        c
        for c in Client.objects.active().with_signals().select_related("tier")
        # Clients signed to start have no risk assessment yet.
        if c.current_risk_score is not None
        and c.current_risk_score <= 2
        and (today() - c.last_contact_on).days > c.tier.stale_contact_days
    ]
    assert len(slipping) >= 2
    assert any(c.account_manager.username == "am" for c in slipping)


def test_tasks_and_time_entries_exist_for_every_client_as_if_synced(demo):
    assert Source.objects.count() == 2
    assert set(Source.objects.values_list("token_env_var", flat=True)) == {"ASANA_TOKEN", "CLICKUP_TOKEN"}
    per_client = dict(Task.objects.values_list("client_id").annotate(n=Count("pk")))
    for client in Client.objects.all():
        weeks = ((client.churned_on or today()) - max(client.started_on, today() - dt.timedelta(weeks=78))).days // 7
        assert per_client.get(client.pk, 0) >= max(1, weeks), client.name  # several a week
    emails = dict(User.objects.values_list("pk", "email"))
    assert all(emails[a] == e for a, e in Task.objects.values_list("assignee_id", "assignee_email"))
    assert Task.objects.filter(parent__isnull=False).exists()
    assert Task.objects.live().filter(completed_at__isnull=True, due_on__lt=today()).exists()  # overdue
    assert TimeEntry.objects.filter(hours__gt=0).count() > 500
    freshness = data_freshness()
    assert len(freshness) == 2
    assert all(s.last_success_at and s.last_success_at.date() >= today() - dt.timedelta(days=2) for s in freshness)
    # The sync page's cards: live tasks as the last run left them, notes in the runner's own shape.
    for source in sync_sources():
        assert source.task_count == Task.objects.live().filter(source=source).count() > 0
    notes = [e for run in SyncRun.objects.exclude(errors=[]) for e in run.errors]
    assert notes and all({"kind", "external_id", "message"} <= set(e) for e in notes)


def test_training_results_exist_for_most_people_with_failures_and_old_versions(demo):
    assert 8 <= TrainingModule.objects.count() <= 12
    assert TrainingModule.objects.filter(version=2).count() == 1
    assert TrainingModule.objects.exclude(procedure="").exists()
    people = User.objects.filter(is_superuser=False)
    trained = people.filter(training_results__isnull=False).distinct().count()
    assert trained >= people.count() * 0.7
    assert TrainingResult.objects.filter(passed=False).exists()
    assert TrainingResult.objects.filter(module__version=2, version=1).exists()


def test_submitted_quarterly_reviews_fill_all_28_fields(demo):
    reviews = QuarterlyReview.objects.filter(status="submitted")
    assert reviews.count() >= 40
    names = QuarterlyReview.field_names()
    assert len(names) == 28
    for review in reviews[:20]:
        assert all(getattr(review, name) not in (None, "") for name in names)


def test_the_daily_rollup_leaves_snapshots_and_open_early_warnings(demo):
    days = set(DailySnapshot.objects.values_list("date", flat=True))
    assert len(days) == ROLLUP_DAYS
    assert max(days) == today()
    active = Client.objects.active().filter(started_on__lte=today()).count()  # not those signed to start
    assert DailySnapshot.objects.filter(date=today(), is_active=True).count() == active
    assert EarlyWarning.objects.filter(resolved_on__isnull=True).exists()


# --- determinism and refusals --------------------------------------------------------------


def test_the_same_seed_rebuilds_the_same_agency(demo):
    seed("--clients", "20", "--seed", "42", "--reset")
    assert key_figures() == demo["figures"]


def test_another_seed_builds_a_different_agency(demo):
    seed("--clients", "20", "--seed", "7", "--reset")
    figures = key_figures()
    assert figures["counts"]["Client"] == 20
    assert figures["goals"] != demo["figures"]["goals"]


def test_seeding_a_database_that_has_clients_is_refused_without_reset(demo):
    with pytest.raises(CommandError, match="--reset"):
        seed("--clients", "20")


def test_if_empty_leaves_a_seeded_database_alone(demo):
    output = seed("--if-empty")
    assert "already holds 20 clients" in output
    assert Client.objects.count() == 20


@pytest.mark.parametrize("count", ["5", "19", "2001"])
def test_client_counts_outside_20_to_2000_are_rejected_before_anything_is_touched(demo, count):
    with pytest.raises(CommandError, match="between 20 and 2000"):
        seed("--clients", count, "--reset")
    assert Client.objects.count() == 20


# --- the embedded default ------------------------------------------------------------------


@pytest.mark.slow
def test_the_sqlite_default_migrates_seeds_and_serves_every_screen(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_NAME")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "DEBUG": "true"}

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--no-input")
    assert "Demo agency ready" in manage("seed_demo", "--clients", "20", "--rollup-days", "3")
    assert "leaving it as it is" in manage("seed_demo", "--if-empty")
    # Every screen as leadership and as an AM: Postgres runs the rest of the suite, and a lookup
    # SQLite lacks (JSON `contains`) once broke the person page of `make run` only.
    check = (
        "from django.test import Client\n"
        "from accounts.models import Pod, User\n"
        "from clients.models import Client as Account\n"
        "from training.models import TrainingModule\n"
        "mine = Account.objects.filter(account_manager__username='am').first().pk\n"
        "am, pod = User.objects.get(username='am').pk, Pod.objects.first().pk\n"
        "module = TrainingModule.objects.first().pk\n"
        "screens = {\n"
        "  'leader': ['/', '/clients/', f'/clients/{mine}/', f'/clients/{mine}/history/', f'/pods/{pod}/',\n"
        "             f'/people/{am}/', '/goals/', '/review-queue/', f'/review/?pod={pod}', '/training/',\n"
        "             '/training/?role=account_manager', f'/training/people/{am}/', f'/training/modules/{module}/',\n"
        "             '/sync/', '/reviews/', '/onboarding/', '/onboarding/export.csv', f'/pods/{pod}/onboarding/',\n"
        "             f'/clients/{mine}/onboarding/', f'/clients/{mine}/service/', '/service/',\n"
        "             '/service/export.csv',\n"
        "             '/training/failures/', '/training/failures/export.csv', '/training/failures/modules/',\n"
        "             f'/training/people/{am}/assignments/', '/voice/widget/', '/voice/?problem=negative_tone',\n"
        "             '/voice/export.csv?problem=negative_tone',\n"
        "             '/revenue/', f'/clients/{mine}/contract/', '/revenue/rows/?figure=nrr',\n"
        "             f'/pods/{pod}/pipeline/', f'/people/{am}/pipeline/'],\n"
        "  'finance': ['/revenue/', f'/clients/{mine}/contract/', '/revenue/export.csv',\n"
        "              '/admin/clients/contract/import/'],\n"
        "  'advisor': ['/', '/clients/', f'/clients/{mine}/', '/revenue/'],\n"
        "  'am': ['/my/', '/my/week/', f'/clients/{mine}/work/', f'/people/{am}/', '/training/panel/'],\n"
        "  'admin': ['/admin/', '/admin/clients/client/', '/admin/tasks/task/', '/admin/training/trainingmodule/',\n"
        "            '/admin/clients/contract/', '/admin/clients/revenueevent/import/'],\n"
        "}\n"
        "widgets = ['warnings', 'risk', 'heatmap', 'pods', 'people', 'performers', 'freshness']\n"
        "screens['leader'] += [f'/widgets/{name}/' for name in widgets]\n"
        "for username, urls in screens.items():\n"
        "    c = Client(HTTP_HOST='localhost')\n"
        "    r = c.post('/login/', {'username': username, 'password': 'godview'})\n"
        "    assert r.status_code == 302, r.status_code\n"
        "    failed = [(url, s) for url in urls if (s := c.get(url, HTTP_HX_REQUEST='true').status_code) != 200]\n"
        "    assert not failed, (username, failed)\n"
        "print('every screen answers')\n"
    )
    assert "every screen answers" in manage("shell", "-c", check)


# --- revenue, renewals and the office roles (issues 16 and 20) --------------------------------


def test_the_demo_has_staggered_renewals_won_and_lost_and_upsells_in_every_stage(demo):
    from clients.models import Contract, Opportunity

    open_terms = Contract.objects.filter(outcome="", client__churned_on__isnull=True)
    assert open_terms.count() >= Client.objects.filter(churned_on__isnull=True).count() - 2
    assert len({c.renews_on.month for c in open_terms}) >= 5  # staggered over the year
    outcomes = set(Contract.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert "churned" in outcomes and outcomes & {"renewed", "renegotiated_up", "renegotiated_down"}
    churned = Contract.objects.filter(outcome="churned")
    assert all(c.revenue_event and c.revenue_event.kind == "churn" for c in churned)
    assert set(Opportunity.objects.values_list("stage", flat=True)) == {"identified", "proposed", "won", "lost"}
    assert all(o.revenue_event.kind == "expansion" for o in Opportunity.objects.filter(stage="won"))
    assert Client.objects.filter(value_realised_on__isnull=False).exists()


def test_the_demo_has_a_finance_login_and_a_read_only_advisor(demo):
    finance, advisor = User.objects.get(username="finance"), User.objects.get(username="advisor")
    assert (finance.role, finance.is_staff, finance.is_superuser) == (Role.FINANCE, True, False)
    assert finance.has_perm("clients.add_contract") and finance.has_perm("clients.view_revenueevent")
    assert (advisor.role, advisor.is_staff) == (Role.VIEWER, False)
    assert finance.check_password(PASSWORD) and advisor.check_password(PASSWORD)
    assert "  finance " in demo["output"] and "  advisor " in demo["output"]


# --- actions and plays (issue 14) ------------------------------------------------------------


def test_the_demo_has_a_play_for_every_rule_and_actions_in_every_state(demo):
    from clients.models import Action, Play, WarningRule

    assert set(Play.objects.values_list("rule", flat=True)) == set(WarningRule.Code.values)
    assert not Play.objects.filter(steps__isnull=True).exists()
    states = set(Action.objects.values_list("status", flat=True))
    assert states == {"open", "done", "snoozed", "dropped"}
    origins = set(Action.objects.values_list("origin", flat=True))
    assert {"play", "manual"} <= origins
    assert Action.objects.filter(status="open", due_on__lt=today()).exists()  # something overdue on Today
    assert Action.objects.filter(origin="play", warning__resolved_on__isnull=True).exists()
    assert not Action.objects.filter(status="snoozed", wake_on__gt=today() + dt.timedelta(days=30)).exists()


def test_the_demo_actions_are_the_same_for_the_same_seed(demo):
    from clients.models import Action

    def fingerprint():
        return sorted(Action.objects.values_list("client__name", "rule", "title", "status", "due_on").order_by())

    first = fingerprint()
    with transaction.atomic():
        wipe_demo()
        seed("--clients", "20", "--seed", "42")
        assert fingerprint() == first
        transaction.set_rollback(True)


# --- meetings and chat channels (issue 14 parts 6 and 7) ---------------------------------------


def test_every_pod_has_two_recorded_growth_reviews_with_notes_decisions_and_their_actions(demo):
    from clients.models import Action, MeetingDecision, MeetingNote, MeetingRecord

    pods = list(Pod.objects.all())
    for pod in pods:
        reviews = list(MeetingRecord.objects.filter(pod=pod, kind="growth_review").order_by("held_on"))
        assert len(reviews) == 2, pod
        assert (reviews[1].held_on - reviews[0].held_on).days == 14
        assert all(r.held_on < today() and r.recorded_by == pod.lead for r in reviews)
        assert pod.lead in reviews[0].attendees.all()
        active = Client.objects.active().filter(account_manager__pod=pod).count()
        assert all(MeetingNote.objects.filter(meeting=r).count() == active for r in reviews)
        assert MeetingNote.objects.filter(meeting=reviews[0], client__account_manager__pod=pod).count() == active
    decisions = MeetingDecision.objects.select_related("action", "note__client")
    assert decisions.exists() and all(d.action.origin == "meeting" for d in decisions)
    assert all(d.action.client_id == d.note.client_id and d.action.owner_id == d.owner_id for d in decisions)
    assert {"done", "open"} <= set(Action.objects.filter(origin="meeting").values_list("status", flat=True))


def test_every_pod_has_a_fake_chat_channel_on_loopback(demo):
    from urllib.parse import urlsplit

    channels = list(Pod.objects.values_list("webhook_kind", "webhook_url"))
    assert channels and all(kind == "slack" and urlsplit(url).hostname == "127.0.0.1" for kind, url in channels)
    assert len({url for _kind, url in channels}) == len(channels)


def test_the_demo_meetings_are_the_same_for_the_same_seed(demo):
    from clients.models import MeetingNote

    def fingerprint():
        return sorted(
            MeetingNote.objects.values_list("meeting__pod__name", "meeting__held_on", "client__name", "note").order_by()
        )

    first = fingerprint()
    with transaction.atomic():
        wipe_demo()
        seed("--clients", "20", "--seed", "42")
        assert fingerprint() == first
        transaction.set_rollback(True)


def test_the_demo_designers_page_shows_the_ab_tests_they_ran(demo, client):
    # By the client's AM a designer manages no client and read 0W/0L; by owner their tests count.
    designer = User.objects.get(username="designer")
    client.force_login(User.objects.get(username="leader"))
    page = client.get(f"/people/{designer.pk}/").content.decode()
    assert "0W · 0L" not in page
    from django.db.models import Q

    from godview.win_loss import win_loss_by_owner

    tally = win_loss_by_owner(Q(owner=designer), Client.objects.all())[designer.pk]
    assert tally.wins + tally.losses > 0
    assert f"{tally.wins}W · {tally.losses}L" in page


# --- the health lab ------------------------------------------------------------------------


def test_a_year_of_demo_rollup_gives_the_health_lab_a_believable_picture(client):
    """The demo's own rollup builds the signal history; with a year of it the lab has churns,
    caught ones among them, flags and false alarms: figures a leader can read, not zeros."""
    import csv

    with transaction.atomic():
        wipe_demo()
        call_command("seed_demo", "--clients", "40", "--seed", "42", "--rollup-days", "371", stdout=io.StringIO())
        from godview.models import SignalRun

        assert SignalRun.objects.exists()
        client.force_login(User.objects.get(username="leader"))
        assert client.get("/lab/").status_code == 200
        response = client.get("/lab/export.csv")
        rows = {
            (r["signal"], r["horizon_days"]): r
            for r in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        }
        transaction.set_rollback(True)
    anything = rows[("any", "90")]
    assert int(anything["churned"]) >= 2
    assert 0 < int(anything["caught"]) <= int(anything["churned"])
    assert int(anything["flags"]) > int(anything["true_flags"]) > 0
    assert float(anything["median_lead_days"]) > 0
    risk = rows[("risk_le_2", "90")]
    assert 0 < float(risk["recall"]) <= 1 and 0 < float(risk["precision"]) < 1


def test_the_demo_shows_the_playbook_of_issue_20(demo, client):
    """Objectives in several states, next week planned for most clients but not all, goals linked to
    their tasks, targets with a north star: every new screen has something to show."""
    from godview.models import KpiTarget
    from tasks.models import GoalTask

    monday = week_start(today()) + dt.timedelta(weeks=1)
    active = Client.objects.filter(churned_on__isnull=True)
    planned = active.filter(weekly_goals__week_start=monday).distinct().count()
    assert 0 < planned < active.count()
    assert GoalTask.objects.filter(goal__week_start__gte=week_start(today())).count() > 5
    assert all(link.task.client_id == link.goal.client_id for link in GoalTask.objects.select_related("task", "goal"))
    assert KpiTarget.objects.filter(north_star=True).count() == 1
    client.force_login(User.objects.get(username="leader"))
    tabs = {key: n for key, _label, n in client.get("/next-week/").context["tabs"]}
    assert all(tabs.values()), tabs
    states = client.get("/objectives/").context["counts"]
    assert states.on_pace and states.behind
    closed = client.get("/objectives/", {"period": "26w"}).context["counts"]  # last quarter's have closed
    assert closed.achieved and closed.missed


def test_every_reference_name_the_migrations_and_the_demo_write_is_in_the_catalogs(demo):
    """Plays, their steps, tier deliverables and onboarding templates are shown through `|said`:
    a default or demo name missing from clients/reference_texts.py would stay English."""
    from clients.models import OnboardingTemplate, OnboardingTemplateItem, Play, PlayStep, TierDeliverable
    from clients.reference_texts import TEXTS

    written = (
        set(Play.objects.values_list("name", flat=True))
        | set(PlayStep.objects.values_list("title", flat=True))
        | set(TierDeliverable.objects.values_list("title", flat=True))
        | set(OnboardingTemplate.objects.values_list("name", flat=True))
        | set(OnboardingTemplateItem.objects.values_list("text", flat=True))
    )
    assert written - set(TEXTS) == set()
