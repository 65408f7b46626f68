"""Reads for the training screens. Each function costs a fixed number of queries, whatever the head count.

Everything starts from the viewer's scope: `people_scope(user)` for people and their results,
`visible_to(user)` for clients and their goals and snapshots.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from accounts.models import Pod, User, person_name
from accounts.permissions import people_scope
from clients.models import Client, GoalWeek, SnapshotWeek
from core.weeks import today as agency_today
from core.weeks import week_start
from training.coaching import ClientOutcomes, ModuleInsight, coaching_insights
from training.compliance import (
    Matrix,
    ModuleFacts,
    ModuleGap,
    PanelFigures,
    PersonFacts,
    PersonGaps,
    PersonRow,
    ResultFacts,
    Status,
    Totals,
    build_matrix,
    is_overdue,
    most_behind,
    top_gaps,
)
from training.models import TrainingModule, TrainingResult

# The coaching comparison looks at the last quarter; the risk trend compares its first and last fortnight.
COACHING_WINDOW_WEEKS = 13  # this week and the twelve before it
RISK_TREND_WEEKS = 2  # the risk trend: the window's first two weeks against its last two


@dataclass(frozen=True)
class TrainingFilters:
    pod: Pod | None = None
    role: str = ""
    person: User | None = None


def visible_people(user: User) -> QuerySet[User]:
    return User.objects.filter(people_scope(user), is_active=True)


def visible_pods(user: User) -> QuerySet[Pod]:
    """Pods the viewer has someone to see in (leadership: all of them)."""
    if user.reads_everything:
        return Pod.objects.all()
    return Pod.objects.filter(pk__in=visible_people(user).values("pod"))


def required_modules(role: str = "") -> list[ModuleFacts]:
    """Active modules required for `role` (any role when blank): the matrix columns (one query)."""
    modules = TrainingModule.objects.filter(active=True).order_by("category", "title", "pk")
    facts = [
        ModuleFacts(m.id, m.title, m.category, m.version, m.passing_score, frozenset(m.required_roles))
        for m in modules.only("title", "category", "version", "passing_score", "required_roles")
    ]
    # The role is matched here, not with a JSON `contains` lookup, which SQLite (the default) lacks.
    return [m for m in facts if m.required_roles and (not role or role in m.required_roles)]


def modules_per_role(modules: list[ModuleFacts]) -> dict[str, int]:
    """Each role that must take any of `modules`, with how many of them it must take."""
    roles = set().union(*(m.required_roles for m in modules))
    return {role: sum(role in m.required_roles for m in modules) for role in roles}


def counted_results(modules: list[ModuleFacts], version_lookup: str = "version") -> Q:
    """Results of `modules` by a role each requires, at the module's current version (with
    `version_lookup="version__lt"`, at an older one)."""
    counted = Q()
    for m in modules:
        counted |= Q(module_id=m.id, user__role__in=sorted(m.required_roles), **{version_lookup: m.version})
    return counted


def people_in_scope(user: User, filters: TrainingFilters, roles: set[str]) -> QuerySet[User]:
    """People in scope who must take at least one of the modules: the matrix's rows."""
    people = visible_people(user).filter(role__in=roles)
    if filters.pod is not None:
        people = people.filter(pod=filters.pod)
    if filters.role:
        people = people.filter(role=filters.role)
    if filters.person is not None:
        people = people.filter(pk=filters.person.pk)
    return people


def people_facts(user: User, filters: TrainingFilters, roles: set[str]) -> list[PersonFacts]:
    """People in scope who must take at least one of the modules, by pod then name (one query)."""
    people = people_in_scope(user, filters, roles).order_by(
        F("pod__name").asc(nulls_last=True), "first_name", "last_name", "username"
    )
    # The labels once: get_role_display() rebuilds the choices, translating each, for every person.
    labels = {role: str(label) for role, label in User._meta.get_field("role").flatchoices}
    fields = ("pk", "first_name", "last_name", "username", "role", "pod_id", "pod__name", "hired_on")
    return [
        PersonFacts(pk, person_name(first, last, username), role, pod_id, pod or "", hired_on, labels.get(role, role))
        for pk, first, last, username, role, pod_id, pod, hired_on in people.values_list(*fields)
    ]


def result_facts(person_ids: list[int], module_ids: list[int]) -> list[ResultFacts]:
    """Every version's result of these people for these modules (one query)."""
    rows = TrainingResult.objects.filter(user_id__in=person_ids, module_id__in=module_ids).values_list(
        "user_id", "module_id", "version", "score", "passed", "completed_on"
    )
    return [ResultFacts(*row) for row in rows]


def compliance_totals(user: User, filters: TrainingFilters, before: dt.date) -> tuple[Totals, Totals]:
    """The totals of the matrix the viewer may see (`build_matrix`'s passed, required and average
    score), today and as it stood on `before` (only the results completed by then), counted by the
    database (three queries, whatever the head count: at 10,000 clients the 1,250 people's results
    read into Python took 60 ms).

    Required: each person's number of required modules, from the people counted by role. Passed and
    scored: the results at a module's current version, of a role the module requires."""
    modules = required_modules(filters.role)
    per_role = modules_per_role(modules)
    if not per_role:
        return Totals(0, 0), Totals(0, 0)
    people = people_in_scope(user, filters, set(per_role))
    counts = people.order_by().values_list("role").annotate(n=Count("pk"))
    required = sum(per_role[role] * n for role, n in counts)
    figures = {}
    for key, when in (("now", Q()), ("then", Q(completed_on__lt=before))):
        figures |= {
            f"passed_{key}": Count("pk", filter=when & Q(passed=True)),
            f"sum_{key}": Sum("score", filter=when),
            f"scored_{key}": Count("pk", filter=when),
        }
    row = TrainingResult.objects.filter(counted_results(modules), user__in=people.values("pk")).aggregate(**figures)
    return tuple(
        Totals(row[f"passed_{key}"], required, row[f"sum_{key}"] or Decimal(0), row[f"scored_{key}"])
        for key in ("now", "then")
    )


def panel_figures(user: User, filters: TrainingFilters, on: dt.date | None = None) -> PanelFigures:
    """The God-view's training panel: what `compliance_matrix` would give for its compliance,
    average score, overdue count, top gaps and people most behind, counted by the database per
    person and per module instead of building every cell (five queries; at 10,000 clients the
    1,025 people's matrix took 100-160 ms of a 60 ms budget).

    A person's required modules are the ones their role requires; of them, passed and failed are
    the current version's results, outdated the ones with only an older version's, missing the
    rest. Failed and missing are overdue `OVERDUE_AFTER_DAYS` after the hire date (`is_overdue`)."""
    today = on or agency_today()
    modules = required_modules(filters.role)
    per_role = modules_per_role(modules)
    facts = people_facts(user, filters, set(per_role)) if per_role else []
    if not facts:
        return PanelFigures(0, Totals(0, 0), 0, [], [])
    current = counted_results(modules)
    results = TrainingResult.objects.filter(user__in=people_in_scope(user, filters, set(per_role)).values("pk"))
    by_person = {
        pk: (passed, failed)
        for pk, passed, failed in results.filter(current)
        .values_list("user_id")
        .annotate(n_passed=Count("pk", filter=Q(passed=True)), n_failed=Count("pk", filter=Q(passed=False)))
        .order_by()
    }
    by_module = {
        row["module_id"]: row
        for row in results.filter(current)
        .values("module_id")
        .annotate(n_passed=Count("pk", filter=Q(passed=True)), scored=Count("pk"), score_sum=Sum("score"))
        .order_by()
    }
    retaken = TrainingResult.objects.filter(
        user_id=OuterRef("user_id"), module_id=OuterRef("module_id"), version=OuterRef("module__version")
    )
    outdated = dict(
        results.filter(counted_results(modules, "version__lt"))
        .exclude(Exists(retaken))
        .values_list("user_id")
        .annotate(n=Count("module_id", distinct=True))
        .order_by()
    )
    people_gaps = []
    for person in facts:
        required = per_role[person.role]
        passed, failed = by_person.get(person.id, (0, 0))
        missing = required - passed - failed - outdated.get(person.id, 0)
        # Failed and missing are overdue by the same rule (the hire date), outdated never.
        late = is_overdue(person, Status.MISSING, today)
        people_gaps.append(PersonGaps(person, required, passed, failed + missing if late else 0))
    role_counts = Counter(person.role for person in facts)
    module_gaps = [
        ModuleGap(m, sum(role_counts[role] for role in m.required_roles), by_module.get(m.id, {}).get("n_passed", 0))
        for m in modules
    ]
    totals = Totals(
        sum(g.passed for g in module_gaps),
        sum(g.required for g in module_gaps),
        sum((row["score_sum"] or Decimal(0) for row in by_module.values()), Decimal(0)),
        sum(row["scored"] for row in by_module.values()),
    )
    return PanelFigures(
        len(facts), totals, sum(p.overdue for p in people_gaps), top_gaps(module_gaps), most_behind(people_gaps)
    )


def compliance_matrix(user: User, filters: TrainingFilters, on: dt.date | None = None) -> Matrix:
    """The people × required modules matrix the viewer may see (three queries)."""
    modules = required_modules(filters.role)
    roles = set(modules_per_role(modules))
    people = people_facts(user, filters, roles) if roles else []
    results = result_facts([p.id for p in people], [m.id for m in modules]) if people else []
    return build_matrix(people, modules, results, on or agency_today())


def person_training(user: User, person: User, on: dt.date | None = None) -> PersonRow | None:
    """One person's row: only the modules their role requires (three queries)."""
    matrix = compliance_matrix(user, TrainingFilters(role=person.role, person=person), on)
    return matrix.rows[0] if matrix.rows else None


def client_outcomes(user: User, person_ids: list[int], on: dt.date | None = None) -> dict[int, ClientOutcomes]:
    """Per person: outcome sums of the clients they manage, over the coaching window (three queries).

    The window is whole weeks, from the Monday `COACHING_WINDOW_WEEKS - 1` weeks before this one
    to `on`. Goals come from the goal weeks (hit = done by its deadline, cancelled excluded); tasks and
    risk from the nightly rollup's weekly snapshots, never from the task table or the days.
    """
    on = on or agency_today()
    start = week_start(on) - dt.timedelta(weeks=COACHING_WINDOW_WEEKS - 1)
    outcomes: dict[int, ClientOutcomes] = {pk: ClientOutcomes() for pk in person_ids}
    if not person_ids:
        return outcomes
    _add_clients(outcomes, user, person_ids, start, on)
    _add_goals(outcomes, user, person_ids, start)
    _add_snapshots(outcomes, user, person_ids, start, on)
    return outcomes


def _add_clients(outcomes, user: User, person_ids: list[int], start: dt.date, end: dt.date) -> None:
    rows = (
        Client.objects.visible_to(user)
        .filter(account_manager_id__in=person_ids, started_on__lte=start)
        .exclude(churned_on__lt=start)
        .values("account_manager_id")
        .annotate(clients=Count("pk"), churned=Count("pk", filter=Q(churned_on__gte=start, churned_on__lte=end)))
    )
    for row in rows:
        outcomes[row["account_manager_id"]].clients = row["clients"]
        outcomes[row["account_manager_id"]].churned = row["churned"]


def _add_goals(outcomes, user: User, person_ids: list[int], start: dt.date) -> None:
    # Only weeks already over: a goal's deadline is its week's Sunday, so a goal open this week is
    # not a miss yet. From the goal weeks (clients.models.goal_weeks), not every goal of the window.
    rows = (
        GoalWeek.objects.visible_to(user)
        .filter(account_manager_id__in=person_ids, week_start__gte=start, week_start__lt=week_start(agency_today()))
        .values("account_manager_id")
        .annotate(goals_due=Sum("due"), goals_hit=Sum("hit"))
        .order_by()
    )
    for row in rows:
        outcome = outcomes[row["account_manager_id"]]
        outcome.goals_due, outcome.goals_hit = row["goals_due"], row["goals_hit"]


def _add_snapshots(outcomes, user: User, person_ids: list[int], start: dt.date, end: dt.date) -> None:
    first = Q(week_start__lt=start + dt.timedelta(weeks=RISK_TREND_WEEKS))
    last = Q(week_start__gt=week_start(end) - dt.timedelta(weeks=RISK_TREND_WEEKS))
    # The weekly snapshots summed per account manager (SnapshotWeek): a few rows per person and week.
    rows = (
        SnapshotWeek.objects.visible_to(user)
        .filter(account_manager_id__in=person_ids, week_start__gte=start, week_start__lte=end)
        .values("account_manager_id")
        .annotate(
            tasks_due=Sum("tasks_due"),
            tasks_on_time=Sum("tasks_on_time"),
            risk_start_sum=Sum("risk_sum", filter=first),
            risk_start_days=Sum("risk_days", filter=first),
            risk_end_sum=Sum("risk_sum", filter=last),
            risk_end_days=Sum("risk_days", filter=last),
        )
    )
    for row in rows:
        outcome = outcomes[row.pop("account_manager_id")]
        for name, value in row.items():
            setattr(outcome, name, value or 0)


def coaching(user: User, matrix: Matrix, on: dt.date | None = None) -> list[ModuleInsight]:
    """Per module, passed vs not passed and their clients' outcomes (three queries)."""
    return coaching_insights(matrix, client_outcomes(user, [row.person.id for row in matrix.rows], on))


def own_results(user: User, module: TrainingModule) -> list[TrainingResult]:
    """The viewer's own results for a module, newest version first (one query)."""
    return list(TrainingResult.objects.filter(user=user, module=module).order_by("-version"))
