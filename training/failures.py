"""Execution failures feed training (issue 20).

Leadership or a pod lead records an execution failure: a person, a client, what went wrong and the
training module that covers it. Recording it assigns the module to the person with a due date.
An assignment is **done** once the person has a passing result for the module's current version
completed on or after the day it was assigned; **overdue** when not done after its due date.
The training page ranks modules by the failures linked to them (then by people, then title).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import people_scope
from clients.models import Client
from core.text import is_real_text, tidy
from core.weeks import today
from training.models import ExecutionFailure, TrainingAssignment, TrainingModule, TrainingResult

MAX_DUE_DAYS = 90
TOP_MODULES = 5


def can_record_failures(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.sees_everything or user.role == Role.POD_LEAD)


def recordable_people(user: User) -> QuerySet[User]:
    """Whom `user` may record a failure for: leadership anyone working on clients, a pod lead the pod."""
    if not can_record_failures(user):
        return User.objects.none()
    people = User.objects.filter(is_active=True).exclude(role=Role.LEADERSHIP)
    return people if user.sees_everything else people.filter(pod=user.pod_id).exclude(pk=user.pk)


def visible_failures(user: User) -> QuerySet[ExecutionFailure]:
    """Failures of people in the viewer's scope on clients in it (an AM sees their own)."""
    return ExecutionFailure.objects.filter(
        person__in=User.objects.filter(people_scope(user)), client__in=Client.objects.visible_to(user)
    )


@transaction.atomic
def execution_failure_record(
    *,
    person: User,
    client: Client,
    module: TrainingModule,
    what_went_wrong: str,
    occurred_on: dt.date,
    due_on: dt.date,
    by: User,
) -> ExecutionFailure:
    """The failure, and the module assigned to the person by `due_on`."""
    what = tidy(what_went_wrong)
    errors = {}
    if not is_real_text(what):
        errors["what_went_wrong"] = _("Say what went wrong.")
    if occurred_on > today():
        errors["occurred_on"] = _("A failure cannot be dated in the future.")
    if not today() <= due_on <= today() + dt.timedelta(days=MAX_DUE_DAYS):
        errors["due_on"] = _("The due date is between today and %(n)s days from now.") % {"n": MAX_DUE_DAYS}
    if not module.active:
        errors["module"] = _("This module is no longer active.")
    if errors:
        raise ValidationError(errors)
    failure = ExecutionFailure.objects.create(
        person=person, client=client, module=module, what_went_wrong=what, occurred_on=occurred_on, recorded_by=by
    )
    TrainingAssignment.objects.create(
        user=person, module=module, due_on=due_on, assigned_on=today(), failure=failure, assigned_by=by
    )
    return failure


@dataclass(frozen=True)
class AssignmentRow:
    assignment: TrainingAssignment
    done_on: dt.date | None
    overdue: bool


def assignment_rows(assignments: list[TrainingAssignment], on: dt.date | None = None) -> list[AssignmentRow]:
    """Each assignment with the day it was done (a passing result of the current version on or after
    the assignment), and whether it is overdue (one query for all of them)."""
    on = on or today()
    passes: dict[tuple[int, int], list[dt.date]] = {}
    if assignments:
        results = TrainingResult.objects.filter(
            user__in={a.user_id for a in assignments},
            module__in={a.module_id for a in assignments},
            passed=True,
            version=F("module__version"),
        )
        for user_id, module_id, day in results.values_list("user_id", "module_id", "completed_on"):
            passes.setdefault((user_id, module_id), []).append(day)
    rows = []
    for a in assignments:
        done = min((d for d in passes.get((a.user_id, a.module_id), []) if d >= a.assigned_on), default=None)
        rows.append(AssignmentRow(a, done, done is None and a.due_on < on))
    return rows


def person_assignments(person: User) -> list[AssignmentRow]:
    """A person's assignments, open ones first by due date (two queries)."""
    assignments = list(
        TrainingAssignment.objects.filter(user=person).select_related("module", "failure__client").order_by("due_on")
    )
    rows = assignment_rows(assignments)
    return sorted(rows, key=lambda r: (r.done_on is not None, r.assignment.due_on))


@dataclass(frozen=True)
class ModuleFailures:
    module: TrainingModule
    failures: int
    people: int
    clients: int


def modules_most_failed(failures: QuerySet[ExecutionFailure], limit: int = TOP_MODULES) -> list[ModuleFailures]:
    """The modules most often linked to failures among `failures` (scoped), one query."""
    rows = (
        failures.values("module")
        .annotate(n=Count("pk"), people=Count("person", distinct=True), clients=Count("client", distinct=True))
        .order_by("-n", "-people", "module__title")[:limit]
    )
    rows = list(rows)
    modules = TrainingModule.objects.in_bulk([r["module"] for r in rows])
    return [ModuleFailures(modules[r["module"]], r["n"], r["people"], r["clients"]) for r in rows]


def failure_filter(failures: QuerySet[ExecutionFailure], module: TrainingModule | None) -> QuerySet:
    return failures.filter(Q(module=module)) if module else failures
