"""Writes for the clients app: `<entity>_<action>(*, ...)`, each atomic.

These enforce the rules the database cannot hold on its own: a weekly goal's deadline is set
once, from its week; postponing needs a reason and creates the carried-over goal; risk
assessments are only ever added.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client, Objective, Postponement, RiskAssessment, RiskReason, WeeklyGoal
from clients.weeks import today, week_deadline, week_start


def _require_monday(day: dt.date, field: str) -> None:
    if day.weekday() != 0:
        raise ValidationError(
            {field: _("Weeks start on Monday; %(day)s is a %(weekday)s.") % {"day": day, "weekday": day.strftime("%A")}}
        )


@transaction.atomic
def weekly_goal_create(
    *,
    client: Client,
    owner: User,
    title: str,
    week: dt.date,
    objective: Objective | None = None,
    shared_with_client: bool = True,
    created_by: User | None = None,
) -> WeeklyGoal:
    """A new goal for `week` (its Monday); the deadline is that week's Sunday 23:59:59."""
    _require_monday(week, "week_start")
    if not title.strip():
        raise ValidationError({"title": _("Say what the goal is.")})
    if objective is not None and objective.client_id != client.pk:
        raise ValidationError({"objective": _("That objective belongs to another client.")})
    goal = WeeklyGoal(
        client=client,
        owner=owner,
        objective=objective,
        title=title.strip(),
        week_start=week,
        deadline=week_deadline(week),
        shared_with_client=shared_with_client,
        created_by=created_by or owner,
    )
    goal.full_clean()
    goal.save()
    return goal


def _lock_open_goal(goal: WeeklyGoal) -> WeeklyGoal:
    locked = WeeklyGoal.objects.select_for_update().get(pk=goal.pk)
    if locked.status != WeeklyGoal.Status.OPEN:
        raise ValidationError(_("This goal is already %(status)s.") % {"status": locked.get_status_display().lower()})
    return locked


@transaction.atomic
def weekly_goal_complete(*, goal: WeeklyGoal, at: dt.datetime | None = None) -> WeeklyGoal:
    """Mark done. A goal done after its deadline still counts as a miss in the hit rate."""
    goal = _lock_open_goal(goal)
    goal.status = WeeklyGoal.Status.DONE
    goal.done_at = at or timezone.now()
    goal.save(update_fields=["status", "done_at"])
    return goal


@transaction.atomic
def weekly_goal_cancel(*, goal: WeeklyGoal, reason: str) -> WeeklyGoal:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the goal is cancelled.")})
    goal = _lock_open_goal(goal)
    goal.status = WeeklyGoal.Status.CANCELLED
    goal.cancel_reason = reason.strip()
    goal.save(update_fields=["status", "cancel_reason"])
    return goal


@transaction.atomic
def weekly_goal_postpone(*, goal: WeeklyGoal, reason: str, target_week: dt.date, by: User) -> Postponement:
    """The original stays, marked postponed (a miss in its week); a carried-over goal lands in `target_week`."""
    if not reason.strip():
        raise ValidationError({"reason": _("A postponement needs a reason.")})
    _require_monday(target_week, "target_week")
    goal = _lock_open_goal(goal)
    if target_week <= goal.week_start:
        raise ValidationError({"target_week": _("Postpone to a later week than the goal's own.")})
    if target_week < week_start(today()):
        raise ValidationError({"target_week": _("The target week has already passed.")})
    goal.status = WeeklyGoal.Status.POSTPONED
    goal.save(update_fields=["status"])
    carried_over = weekly_goal_create(
        client=goal.client,
        owner=goal.owner,
        title=goal.title,
        week=target_week,
        objective=goal.objective,
        shared_with_client=goal.shared_with_client,
        created_by=by,
    )
    return Postponement.objects.create(
        original=goal, carried_over=carried_over, reason=reason.strip(), target_week=target_week, postponed_by=by
    )


@transaction.atomic
def risk_assessment_record(
    *,
    client: Client,
    score: int,
    communication_level: int,
    reasons: list[str],
    note: str = "",
    by: User,
) -> RiskAssessment:
    """Append a new assessment; the latest one is the client's current risk."""
    unknown = sorted(set(reasons) - set(RiskReason.values))
    if unknown:
        raise ValidationError({"reasons": _("Unknown risk reasons: %(codes)s.") % {"codes": ", ".join(unknown)}})
    if not reasons:
        raise ValidationError({"reasons": _("Choose at least one risk reason.")})
    assessment = RiskAssessment(
        client=client,
        score=score,
        communication_level=communication_level,
        reasons=sorted(set(reasons), key=RiskReason.values.index),
        note=note.strip(),
        assessed_by=by,
    )
    assessment.full_clean()
    assessment.save(force_insert=True)
    return assessment
