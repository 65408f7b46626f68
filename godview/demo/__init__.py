"""The deterministic demo agency for `manage.py seed_demo`: build_demo and its settings, wipe_demo,
counts, key_figures; the builders sit beside it (accounts, training, clients, tasks, goals, history)."""

import hashlib
import time
from typing import TextIO

from django.db import connection, models, transaction

from accounts.models import Pod, User
from clients.models import (
    Action,
    Client,
    Contact,
    Contract,
    DailySnapshot,
    DeliverableCheck,
    EarlyWarning,
    Experiment,
    GoalWeek,
    Handoff,
    HandoffItem,
    KickoffItem,
    MeetingDecision,
    MeetingNote,
    MeetingRecord,
    NPSResponse,
    Objective,
    Opportunity,
    Postponement,
    QuarterlyReview,
    RevenueEvent,
    ReviewDecision,
    RiskAssessment,
    SnapshotWeek,
    Tactic,
    WaitingPeriod,
    WeeklyGoal,
    WeeklySnapshot,
    refresh_current_state,
)
from core.models import AuditEntry
from godview.demo.accounts import build_people
from godview.demo.actions import build_actions
from godview.demo.base import (
    CHUNK,
    CLIENTS_PER_POD,
    DEFAULT_CLIENTS,
    DEFAULT_ROLLUP_DAYS,
    DEFAULT_SEED,
    DEMO_LOGINS,
    HISTORY_WEEKS,
    MAX_CLIENTS,
    MIN_CLIENTS,
    PASSWORD,
    ClientPlan,
    Context,
    bulk,
    make_context,
    say,
)
from godview.demo.capacity import (
    build_capacities,
    build_earlier_churns,
    build_signed_clients,
    earlier_count,
    plan_signed,
)
from godview.demo.clients import build_clients, plan_clients
from godview.demo.goals import experiments, objectives, tactics, weekly_goals
from godview.demo.goals_ahead import link_goals_to_tasks, next_week_goals, set_targets
from godview.demo.history import contacts, nps_responses, quarterly_reviews, risk_assessments
from godview.demo.meetings import build_meetings
from godview.demo.playbook import (
    agency_people,
    build_failures,
    build_onboarding,
    set_up_service_format,
    tick_deliverables,
    voice_problems,
)
from godview.demo.revenue import build_revenue
from godview.demo.slips import due_date_changes, slip_tasks
from godview.demo.tasks import build_projects, build_sync_runs, client_tasks, time_entries
from godview.demo.training import build_training
from godview.demo.waiting import waiting_periods
from godview.models import KpiTarget, SignalRun
from godview.rollup import rollup_range
from tasks.models import (
    DueDateChange,
    ExternalProject,
    GoalTask,
    MonthlyHours,
    PersonLoad,
    Source,
    SyncRun,
    Task,
    TimeEntry,
    WeeklyHours,
)
from training.models import ExecutionFailure, TrainingAssignment, TrainingModule, TrainingResult

__all__ = [
    "DEFAULT_CLIENTS",
    "DEFAULT_ROLLUP_DAYS",
    "DEFAULT_SEED",
    "DEMO_LOGINS",
    "MAX_CLIENTS",
    "MIN_CLIENTS",
    "PASSWORD",
    "build_demo",
    "counts",
    "key_figures",
    "wipe_demo",
]

# The models build_demo writes, in the order a reset must empty them (children first).
WIPE_ORDER: tuple[type[models.Model], ...] = (
    AuditEntry,
    GoalTask,
    KpiTarget,
    MeetingDecision,
    MeetingNote,
    MeetingRecord.attendees.through,
    MeetingRecord,
    Action,
    MonthlyHours,
    WeeklyHours,
    PersonLoad,
    TimeEntry,
    DueDateChange,
    Task,
    SyncRun,
    ExternalProject,
    Source,
    TrainingAssignment,
    ExecutionFailure,
    TrainingResult,
    TrainingModule,
    ReviewDecision,
    SignalRun,
    EarlyWarning,
    WeeklySnapshot,
    GoalWeek,
    SnapshotWeek,
    DailySnapshot,
    WaitingPeriod,
    Postponement,
    WeeklyGoal,
    Objective,
    KickoffItem,
    HandoffItem,
    Handoff,
    DeliverableCheck,
    RiskAssessment,
    Contact.agency_people.through,
    Contact,
    QuarterlyReview,
    Tactic,
    Experiment,
    NPSResponse,
    Contract,
    Opportunity,
    RevenueEvent,
    Client,
)
SUMMARY_MODELS: tuple[type[models.Model], ...] = (
    User,
    Pod,
    Client,
    RevenueEvent,
    KickoffItem,
    Objective,
    WeeklyGoal,
    Postponement,
    RiskAssessment,
    Contact,
    NPSResponse,
    QuarterlyReview,
    Tactic,
    Experiment,
    Source,
    ExternalProject,
    Task,
    TimeEntry,
    SyncRun,
    TrainingModule,
    TrainingResult,
    Action,
    MeetingRecord,
    MeetingNote,
    MeetingDecision,
    GoalTask,
    Contract,
    Opportunity,
    Handoff,
    DeliverableCheck,
    ExecutionFailure,
    TrainingAssignment,
)


def wipe_demo(stdout: TextIO | None = None) -> None:
    """Remove all domain data and people; tiers, warning rules and non-demo superusers stay.

    History is never deleted in the product (database triggers refuse it); the demo's wipe, a
    development tool, says so for its own transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL godview.history_wipe = 'on'")
        _wipe(stdout)


def _wipe(stdout: TextIO | None) -> None:
    for model in WIPE_ORDER:
        # A raw DELETE per table, children first: the ORM's collector would load every row.
        model.objects.all()._raw_delete(model.objects.db)
    Pod.objects.update(lead=None)
    User.objects.filter(models.Q(is_superuser=False) | models.Q(username__in=DEMO_LOGINS)).delete()
    Pod.objects.all().delete()
    say(stdout, "Wiped the previous demo data.")


def counts() -> dict[str, int]:
    """Rows per model, keyed by model name."""
    return {model.__name__: model.objects.count() for model in SUMMARY_MODELS}


def build_demo(
    *,
    clients: int = DEFAULT_CLIENTS,
    seed: int = DEFAULT_SEED,
    rollup_days: int = DEFAULT_ROLLUP_DAYS,
    stdout: TextIO | None = None,
) -> dict:
    """Write the demo agency into an empty database; returns the row counts per model.

    Ends with the daily rollup over the last `rollup_days` days, so trend charts and period
    comparisons have their snapshots and the early warnings are open, as after real nights.

    Same seed, same agency: every random choice comes from `random.Random` streams seeded with
    (seed, client index, aspect), never the global generator, so one client's history does not
    depend on how many others there are or in which order they are written. Dates are relative to
    `core.weeks.today()`: the demo always ends this week.

    Shape: a leadership team, pods of two AMs and a designer led by a pod lead (one pod per 20
    clients), 18 months of weekly goals, risk assessments, contacts, NPS, objectives, reviews,
    tactics, experiments, revenue events, training results, and tasks and time entries "as if
    synced" from one Asana and one ClickUp source. About 12% of clients churn in the window with
    signals that worsen in the months before; about 6% of active clients are slipping now.

    Rows are written with `bulk_create` in batches, a few dozen clients at a time, so memory stays
    flat and 2,000 clients take a few minutes on Postgres.
    """
    if not MIN_CLIENTS <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be between {MIN_CLIENTS} and {MAX_CLIENTS}")
    ctx = make_context(seed)
    say(stdout, f"Seeding a demo agency: {clients} clients, seed {seed}, {HISTORY_WEEKS} weeks to {ctx.today}.")
    team = build_people(ctx, n_pods=max(1, clients // CLIENTS_PER_POD))
    say(stdout, f"  people: {len(team.people)} in {len(team.pods)} pods")
    build_training(ctx, team)
    say(stdout, "  training modules and results")
    set_up_service_format()
    # The clients signed to start and the earlier churns are among the N clients asked for.
    signed_plan, earlier = plan_signed(ctx, team), earlier_count(clients)
    plans = plan_clients(ctx, team, clients - len(signed_plan) - earlier)
    build_clients(ctx, plans)
    sources = build_projects(ctx, plans)
    say(stdout, f"  clients: {len(plans)} with revenue, projects and kickoff plans")
    say(stdout, f"  contracts: {build_revenue(ctx, plans)}, with renewals won and lost, and upsells in every stage")
    for start in range(0, len(plans), CHUNK):
        write_history(ctx, plans[start : start + CHUNK])
        say(stdout, f"  history: {min(start + CHUNK, len(plans))}/{len(plans)} clients")
    build_capacities(ctx, team)
    build_signed_clients(ctx, signed_plan)
    build_earlier_churns(ctx, team, earlier)
    say(stdout, f"  capacity: hours per person, {len(signed_plan)} clients signed to start, {earlier} earlier churns")
    build_sync_runs(ctx, sources)
    say(stdout, "  sync runs")
    set_targets()
    say(stdout, f"  playbook: targets and a north star; {link_goals_to_tasks(ctx)} goals linked to their tasks")
    handoffs = build_onboarding(ctx, plans)
    tick_deliverables(ctx, plans)
    failures = build_failures(ctx, team)
    say(stdout, f"  playbook: {handoffs} handoffs, premium deliverables, {failures} execution failures")

    began = time.monotonic()
    rollup_range(end=ctx.today, days=rollup_days)
    say(stdout, f"  daily rollup: {rollup_days} days ({time.monotonic() - began:.0f} s)")
    say(stdout, f"  actions: {build_actions(ctx)} from the plays of today's firings and by hand")
    say(stdout, f"  meetings: two growth reviews per pod, {build_meetings(ctx, team)} client notes")
    refresh_current_state()  # the actions above were written in bulk

    return counts()


def write_history(ctx: Context, plans: list[ClientPlan]) -> None:
    """All dated rows of a chunk of clients, parents before children."""
    for plan in plans:
        plan.objectives = objectives(ctx, plan)
    bulk(Objective, [o for p in plans for o in p.objectives])
    goals, moves, goals_of = [], [], {}
    for plan in plans:
        plan_goals, plan_moves = weekly_goals(ctx, plan)
        goals += plan_goals
        moves += plan_moves
        goals_of[plan.index] = plan_goals
        goals += next_week_goals(ctx, plan)  # planned ahead: /next-week/ (issue 20)
    bulk(WeeklyGoal, goals)
    bulk(Postponement, [move() for move in moves])
    bulk(WaitingPeriod, [w for p in plans for w in waiting_periods(ctx, p, goals_of[p.index])])
    tasks = {plan.index: client_tasks(ctx, plan) for plan in plans}
    moved = [m for p in plans for m in slip_tasks(ctx, p, tasks[p.index][0])]
    bulk(Task, [t for parents, _subtasks in tasks.values() for t in parents])
    bulk(DueDateChange, due_date_changes(ctx, moved))
    bulk(Task, [t for _parents, subtasks in tasks.values() for t in subtasks])
    bulk(TimeEntry, [e for p in plans for e in time_entries(ctx, p, tasks[p.index][0])])
    chunk_contacts = [row for p in plans for row in contacts(ctx, p)]
    chunk_responses = [row for p in plans for row in nps_responses(ctx, p)]
    voice_problems(chunk_contacts, chunk_responses)
    agency_people(ctx, plans, bulk(Contact, chunk_contacts))
    bulk(NPSResponse, chunk_responses)
    for model, make in (
        (RiskAssessment, risk_assessments),
        (Tactic, tactics),
        (Experiment, experiments),
        (QuarterlyReview, quarterly_reviews),
    ):
        bulk(model, [row for p in plans for row in make(ctx, p)])


def goal_title_checksum() -> str:
    """A digest of every weekly goal's client, week and title: equal digests, equal goals."""
    digest = hashlib.sha256()
    rows = WeeklyGoal.objects.order_by("client__name", "week_start", "title").values_list(
        "client__name", "week_start", "title"
    )
    for name, week, title in rows.iterator(chunk_size=5000):
        digest.update(f"{name}|{week}|{title}\n".encode())
    return digest.hexdigest()


def key_figures() -> dict[str, object]:
    """What must be equal between two runs with the same seed."""
    return {
        "counts": counts(),
        "mrr": Client.objects.aggregate(total=models.Sum("mrr"))["total"],
        "goals": goal_title_checksum(),
    }
