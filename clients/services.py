"""Writes for the clients app: `<entity>_<action>(*, ...)`, each atomic.

These enforce the rules the database cannot hold on its own: a weekly goal's deadline is set
once, from its week; postponing needs a reason and creates the carried-over goal; risk
assessments are only ever added.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import (
    ChurnReason,
    Client,
    Contact,
    Experiment,
    KickoffItem,
    LifecycleStage,
    NPSResponse,
    Objective,
    Outcome,
    Postponement,
    QuarterlyReview,
    RevenueEvent,
    RiskAssessment,
    RiskReason,
    Tactic,
    WaitingPeriod,
    WeeklyGoal,
)
from core.text import MIN_REASON_CHARS, is_real_text, tidy
from core.weeks import quarter_of, today, week_deadline, week_start


def not_monday(day: dt.date) -> str | None:
    """Why `day` cannot start a week, or None when it is a Monday."""
    if day.weekday() == 0:
        return None
    return _("Weeks start on Monday; %(day)s is a %(weekday)s.") % {"day": day, "weekday": day.strftime("%A")}


def _require_monday(day: dt.date, field: str) -> None:
    if problem := not_monday(day):
        raise ValidationError({field: problem})


RECREATE_WINDOW = dt.timedelta(weeks=2)


def require_reason(reason: str | None, field: str | None, message: str) -> str:
    """The reason as stored: tidied, and with a few visible characters, or a ValidationError
    (on `field`, or on its own for a form field's clean method)."""
    text = tidy(reason)
    if not is_real_text(text):
        problem = message + " " + _("Write at least %(n)s letters or digits.") % {"n": MIN_REASON_CHARS}
        raise ValidationError({field: problem} if field else problem)
    return text


def same_title(title: str) -> str:
    """Titles compared the way a reader would: case, spacing and invisible characters aside."""
    return " ".join(tidy(title).casefold().split())


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
    late_reason: str = "",
) -> WeeklyGoal:
    """A new goal for `week` (its Monday); the deadline is that week's Sunday 23:59:59.

    A past week takes a goal only from leadership, with a reason (kept and shown). A goal whose
    title matches one cancelled for the same client in the last two weeks is a postponement in
    disguise: the cancelled goal is linked to it and counts as a miss."""
    _require_monday(week, "week_start")
    title = tidy(title)
    if not title:
        raise ValidationError({"title": _("Say what the goal is.")})
    if objective is not None and objective.client_id != client.pk:
        raise ValidationError({"objective": _("That objective belongs to another client.")})
    author = created_by or owner
    if week < week_start(today()):
        if not author.sees_everything:
            raise ValidationError({"week_start": _("That week has already passed; only leadership adds goals to it.")})
        late_reason = require_reason(late_reason, "late_reason", _("Say why a goal is added to a past week."))
    goal = WeeklyGoal(
        client=client,
        owner=owner,
        objective=objective,
        title=title,
        week_start=week,
        deadline=week_deadline(week),
        shared_with_client=shared_with_client,
        created_by=author,
        added_late_reason=late_reason if week < week_start(today()) else "",
    )
    goal.full_clean()
    goal.save()
    _link_disguised_postponement(goal)
    return goal


def _link_disguised_postponement(goal: WeeklyGoal) -> None:
    """Cancel this week, create it again next week: the cancelled goal counts as the miss it hides."""
    candidates = WeeklyGoal.objects.select_for_update().filter(
        client_id=goal.client_id,
        status=WeeklyGoal.Status.CANCELLED,
        recreated_as__isnull=True,
        week_start__lt=goal.week_start,
        week_start__gte=goal.week_start - RECREATE_WINDOW,
    )
    wanted = same_title(goal.title)
    for cancelled in candidates.order_by("-week_start", "-pk"):
        if same_title(cancelled.title) == wanted:
            cancelled.recreated_as = goal
            cancelled.save(update_fields=["recreated_as"])
            return


def _lock_open_goal(goal: WeeklyGoal) -> WeeklyGoal:
    locked = WeeklyGoal.objects.select_for_update().get(pk=goal.pk)
    if locked.status != WeeklyGoal.Status.OPEN:
        raise ValidationError(_("This goal is already %(status)s.") % {"status": locked.get_status_display().lower()})
    return locked


STATUS_TRAIL = ["status_changed_by", "status_changed_at"]


def _mark(goal: WeeklyGoal, by: User | None) -> None:
    goal.status_changed_by, goal.status_changed_at = by, timezone.now()


@transaction.atomic
def weekly_goal_complete(*, goal: WeeklyGoal, at: dt.datetime | None = None, by: User | None = None) -> WeeklyGoal:
    """Mark done. A goal done after its deadline still counts as a miss in the hit rate."""
    goal = _lock_open_goal(goal)
    goal.status = WeeklyGoal.Status.DONE
    goal.done_at = at or timezone.now()
    _mark(goal, by)
    goal.save(update_fields=["status", "done_at", *STATUS_TRAIL])
    return goal


@transaction.atomic
def weekly_goal_cancel(*, goal: WeeklyGoal, reason: str, by: User | None = None) -> WeeklyGoal:
    """Only before the deadline, and with a reason: after it an open goal is a miss, whatever happens."""
    reason = require_reason(reason, "reason", _("Say why the goal is cancelled."))
    goal = _lock_open_goal(goal)
    if timezone.now() > goal.deadline:
        raise ValidationError(
            _("The deadline (%(deadline)s) has passed: an open goal is now a miss and cannot be cancelled.")
            % {"deadline": timezone.localtime(goal.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    goal.status = WeeklyGoal.Status.CANCELLED
    goal.cancel_reason = reason
    _mark(goal, by)
    goal.save(update_fields=["status", "cancel_reason", *STATUS_TRAIL])
    return goal


@transaction.atomic
def weekly_goal_postpone(*, goal: WeeklyGoal, reason: str, target_week: dt.date, by: User) -> Postponement:
    """The original stays, marked postponed (a miss in its week); a carried-over goal lands in `target_week`."""
    reason = require_reason(reason, "reason", _("A postponement needs a reason."))
    _require_monday(target_week, "target_week")
    goal = _lock_open_goal(goal)
    if target_week <= goal.week_start:
        raise ValidationError({"target_week": _("Postpone to a later week than the goal's own.")})
    if target_week < week_start(today()):
        raise ValidationError({"target_week": _("The target week has already passed.")})
    goal.status = WeeklyGoal.Status.POSTPONED
    _mark(goal, by)
    goal.save(update_fields=["status", *STATUS_TRAIL])
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
        original=goal, carried_over=carried_over, reason=reason, target_week=target_week, postponed_by=by
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


# --- the AM workspace's writes (issue 4) ----------------------------------------------------


@transaction.atomic
def contact_log(
    *,
    client: Client,
    contacted_on: dt.date,
    channel: str,
    who: str,
    summary: str,
    sentiment: str,
    by: User,
    problem: str = "",
    agency_people=(),
) -> Contact:
    """A contact; `agency_people` are who from the agency took part, `problem` what a negative
    contact complained about (the voice of the client counts it)."""
    if contacted_on > today():
        raise ValidationError({"contacted_on": _("A contact cannot be logged in the future.")})
    if problem and sentiment != Contact.Sentiment.NEGATIVE:
        raise ValidationError({"problem": _("A problem is recorded with a negative contact.")})
    contact = Contact(
        client=client,
        contacted_on=contacted_on,
        channel=channel,
        who=who.strip(),
        summary=summary.strip(),
        sentiment=sentiment,
        problem=problem,
        logged_by=by,
    )
    contact.full_clean()
    contact.save()
    if agency_people:
        contact.agency_people.set(agency_people)
    return contact


def _objective_status(objective: Objective, on: dt.date) -> str:
    """Achieved once the target is reached; otherwise on track or behind by pace."""
    rising = objective.target > objective.baseline
    reached = objective.current_value >= objective.target if rising else objective.current_value <= objective.target
    if reached:
        return Objective.Status.ACHIEVED
    if on > objective.due_date:
        return Objective.Status.MISSED
    return Objective.Status.BEHIND if objective.pace(on).behind else Objective.Status.ON_TRACK


@transaction.atomic
def objective_create(*, client: Client, by: User, **fields) -> Objective:
    objective = Objective(client=client, created_by=by, updated_by=by, **fields)
    if objective.due_date and objective.start_date and objective.due_date <= objective.start_date:
        raise ValidationError({"due_date": _("The due date must come after the start date.")})
    if objective.target == objective.baseline:
        raise ValidationError({"target": _("The target must differ from the baseline.")})
    objective.status = _objective_status(objective, today())
    objective.full_clean()
    objective.save()
    return objective


@transaction.atomic
def objective_update_progress(*, objective: Objective, current_value, by: User) -> Objective:
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if objective.status in (Objective.Status.ACHIEVED, Objective.Status.MISSED):
        raise ValidationError(
            _("This objective is closed (%(status)s).") % {"status": objective.get_status_display().lower()}
        )
    objective.current_value = current_value
    objective.status = _objective_status(objective, today())
    objective.updated_by = by
    objective.full_clean()
    objective.save(update_fields=["current_value", "status", "updated_by", "updated_at"])
    return objective


@transaction.atomic
def kickoff_item_set(*, item: KickoffItem, done: bool, by: User) -> KickoffItem:
    """Tick or untick; setting the state it already has changes nothing (a double click is harmless)."""
    item = KickoffItem.objects.select_for_update().get(pk=item.pk)
    if done != bool(item.done_on):
        item.done_on, item.done_by = (today(), by) if done else (None, None)
        item.save(update_fields=["done_on", "done_by"])
    return item


KICKOFF_ITEMS_MAX = 10


@transaction.atomic
def kickoff_item_add(*, client: Client, text: str, by: User) -> KickoffItem:
    """A new kickoff plan item at the end of the plan (ten at most)."""
    text = tidy(text)
    if not is_real_text(text):
        raise ValidationError({"text": _("Say what the action item is.")})
    items = list(KickoffItem.objects.select_for_update().filter(client=client).values_list("position", flat=True))
    if len(items) >= KICKOFF_ITEMS_MAX:
        raise ValidationError({"text": _("A kickoff plan holds ten items; tick or reword one instead.")})
    item = KickoffItem(client=client, position=max(items, default=0) + 1, text=text)
    item.full_clean(validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def kickoff_item_move(*, item: KickoffItem, step: int) -> list[KickoffItem]:
    """Swap the item with its neighbour above (step -1) or below (+1); the plan in its new order."""
    plan = list(KickoffItem.objects.select_for_update().filter(client_id=item.client_id).order_by("position"))
    index = next(i for i, row in enumerate(plan) if row.pk == item.pk)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(plan):
        plan[index].position, plan[other].position = plan[other].position, plan[index].position
        # The (client, position) unique constraint is deferred to the commit: the swap passes through a clash.
        KickoffItem.objects.bulk_update([plan[index], plan[other]], ["position"])
        plan[index], plan[other] = plan[other], plan[index]
    return plan


# --- waiting on client and the expectation agreement ----------------------------------------


@transaction.atomic
def waiting_start(
    *, client: Client, waiting_for: str, started_on: dt.date, goal: WeeklyGoal | None = None, by: User
) -> WaitingPeriod:
    """The agency starts waiting for the client (on one of its goals, or on the client as a whole)."""
    waiting_for = require_reason(waiting_for, "waiting_for", _("Say what you are waiting for."))
    if started_on > today():
        raise ValidationError({"started_on": _("A wait cannot start in the future.")})
    if goal is not None and goal.client_id != client.pk:
        raise ValidationError({"goal": _("That goal belongs to another client.")})
    period = WaitingPeriod(client=client, goal=goal, waiting_for=waiting_for, started_on=started_on, recorded_by=by)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def waiting_end(*, period: WaitingPeriod, ended_on: dt.date) -> WaitingPeriod:
    period = WaitingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.ended_on is not None:
        raise ValidationError(_("This wait already ended on %(day)s.") % {"day": period.ended_on})
    if ended_on > today():
        raise ValidationError({"ended_on": _("A wait cannot end in the future.")})
    if ended_on < period.started_on:
        raise ValidationError(
            {"ended_on": _("A wait cannot end before it started (%(day)s).") % {"day": period.started_on}}
        )
    period.ended_on = ended_on
    period.save(update_fields=["ended_on"])
    return period


@transaction.atomic
def agreement_record(*, client: Client, signed_on: dt.date | None, response_days: int) -> Client:
    """The expectation agreement: when the client signed it and how fast it promised to answer."""
    if signed_on is not None and signed_on > today():
        raise ValidationError({"signed_on": _("An agreement cannot be signed in the future.")})
    if not 1 <= response_days <= 30:
        raise ValidationError({"response_days": _("Between 1 and 30 business days.")})
    client.expectation_agreement_signed_on, client.agreed_response_days = signed_on, response_days
    client.save(update_fields=["expectation_agreement_signed_on", "agreed_response_days", "updated_at"])
    return client


@transaction.atomic
def nps_record(
    *, client: Client, score: int, responded_on: dt.date, respondent: str, comment: str, by: User, problem: str = ""
):
    if responded_on > today():
        raise ValidationError({"responded_on": _("An NPS response cannot be dated in the future.")})
    if problem and (score > 6 or not comment.strip()):
        raise ValidationError({"problem": _("A problem is recorded for a detractor (0–6) with a comment.")})
    response = NPSResponse(
        client=client,
        score=score,
        responded_on=responded_on,
        respondent=respondent.strip(),
        comment=comment.strip(),
        problem=problem,
        recorded_by=by,
    )
    response.full_clean()
    response.save()
    return response


@transaction.atomic
def revenue_event_record(
    *, client: Client, kind: str, amount, occurred_on: dt.date, note: str = "", churn_reason: str = "", by: User
) -> RevenueEvent:
    """Record an MRR change and apply it to the client; churn ends the client (MRR 0, date, reason)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise ValidationError(_("%(client)s has churned; no further revenue events.") % {"client": client})
    if occurred_on > today():
        raise ValidationError({"occurred_on": _("A revenue event cannot be dated in the future.")})
    kinds = RevenueEvent.Kind
    if kind == kinds.CHURN:
        if churn_reason not in ChurnReason.values:
            raise ValidationError({"churn_reason": _("Say why the client churned.")})
        amount = client.mrr
        client.lifecycle_stage = LifecycleStage.CHURNED
        client.churned_on, client.churn_reason = occurred_on, churn_reason
        client.mrr = Decimal("0")
    elif kind == kinds.CONTRACTION:
        if amount > client.mrr:
            raise ValidationError(
                {"amount": _("A contraction cannot exceed the current MRR (%(mrr)s).") % {"mrr": client.mrr}}
            )
        client.mrr -= amount
    else:
        client.mrr += amount
    event = RevenueEvent(
        client=client, kind=kind, amount=amount, occurred_on=occurred_on, note=note.strip(), recorded_by=by
    )
    event.full_clean()
    event.save()
    client.full_clean()
    client.save(update_fields=["mrr", "lifecycle_stage", "churned_on", "churn_reason", "updated_at"])
    return event


class ReviewLocked(ValidationError):
    """A submitted quarterly review is read-only."""


@transaction.atomic
def quarterly_review_save(
    *, client: Client, year: int, quarter: int, answers: dict, submit: bool, by: User
) -> QuarterlyReview:
    """Save the draft (creating it on first save); `submit` locks it for good."""
    if (year, quarter) > quarter_of(today()):
        raise ValidationError(_("A review cannot be written for a future quarter."))
    review, _created = QuarterlyReview.objects.select_for_update().get_or_create(
        client=client, year=year, quarter=quarter, defaults={"created_by": by}
    )
    if review.status == QuarterlyReview.Status.SUBMITTED:
        raise ReviewLocked(_("This review was submitted and is read-only."))
    unknown = set(answers) - set(QuarterlyReview.field_names())
    if unknown:
        raise ValidationError(_("Unknown review fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, value in answers.items():
        setattr(review, name, value)
    review.updated_by = by
    if submit:
        review.status = QuarterlyReview.Status.SUBMITTED
        review.submitted_at, review.submitted_by = timezone.now(), by
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def tactic_create(*, client: Client, owner: User, title: str, description: str, started_on: dt.date) -> Tactic:
    tactic = Tactic(
        client=client, owner=owner, title=title.strip(), description=description.strip(), started_on=started_on
    )
    tactic.full_clean()
    tactic.save()
    return tactic


@transaction.atomic
def experiment_create(*, client: Client, owner: User, title: str, hypothesis: str, started_on: dt.date) -> Experiment:
    experiment = Experiment(
        client=client, owner=owner, title=title.strip(), hypothesis=hypothesis.strip(), started_on=started_on
    )
    experiment.full_clean()
    experiment.save()
    return experiment


def _close(record, *, outcome: str, ended_on: dt.date, by: User):
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.outcome != Outcome.PENDING:
        raise ValidationError(_("This is already closed as %(outcome)s.") % {"outcome": record.get_outcome_display()})
    if outcome == Outcome.PENDING or outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose win, loss or inconclusive.")})
    if ended_on < record.started_on:
        raise ValidationError(
            {"ended_on": _("The end cannot come before the start (%(day)s).") % {"day": record.started_on}}
        )
    record.outcome, record.ended_on = outcome, ended_on
    record.closed_at, record.closed_by = timezone.now(), by
    return record


@transaction.atomic
def tactic_close(*, tactic: Tactic, outcome: str, ended_on: dt.date, by: User) -> Tactic:
    tactic = _close(tactic, outcome=outcome, ended_on=ended_on, by=by)
    tactic.full_clean()
    tactic.save(update_fields=["outcome", "ended_on", "closed_at", "closed_by"])
    return tactic


@transaction.atomic
def experiment_close(*, experiment: Experiment, outcome: str, ended_on: dt.date, confidence, by: User) -> Experiment:
    """Close an A/B test; a win or loss needs its confidence (it counts only at the threshold)."""
    if outcome in (Outcome.WIN, Outcome.LOSS) and confidence is None:
        raise ValidationError({"confidence": _("A win or a loss needs its confidence level.")})
    experiment = _close(experiment, outcome=outcome, ended_on=ended_on, by=by)
    experiment.confidence = confidence
    experiment.full_clean()
    experiment.save(update_fields=["outcome", "ended_on", "confidence", "closed_at", "closed_by"])
    return experiment
