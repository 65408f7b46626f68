"""Writes for actions and plays: `action_<verb>(*, ...)`, each atomic, and the nightly steps
(wake snoozed actions, start plays for new firings) that `godview.rollup` calls.

Every change of an action is a `save()`, so the audit trail records it (core.audit).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import SNOOZE_MAX_DAYS, Action, Client, EarlyWarning, Play, add_business_days, refresh_current_state
from clients.services import require_reason
from core.text import tidy
from core.weeks import today

# Plays start only for firings of the nightly run's days: a backfill of older days does not
# hand out work that was due before anyone could see it.
PLAY_WINDOW_DAYS = 2
CLOSE_FIELDS = ["status", "closed_at", "closed_by"]


@transaction.atomic
def action_create(
    *,
    client: Client,
    title: str,
    due_on: dt.date,
    owner: User | None = None,
    origin: str = Action.Origin.MANUAL,
    rule: str = "",
    by: User | None = None,
) -> Action:
    """A new open action; the owner defaults to the client's AM."""
    title = tidy(title)
    if not title:
        raise ValidationError({"title": _("Say what the action is.")})
    action = Action(
        client=client,
        title=title,
        due_on=due_on,
        owner=owner or client.account_manager,
        origin=origin,
        rule=rule,
        created_by=by,
    )
    action.full_clean()
    action.save()
    return action


def _lock_unresolved(action: Action) -> Action:
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.status not in (Action.Status.OPEN, Action.Status.SNOOZED):
        raise ValidationError(_("This action is already %(status)s.") % {"status": locked.get_status_display().lower()})
    return locked


def _close(action: Action, status: str, by: User | None) -> None:
    action.status, action.closed_at, action.closed_by = status, timezone.now(), by
    action.wake_on = None


@transaction.atomic
def action_done(*, action: Action, outcome: str, by: User | None = None) -> Action:
    """Done, with what came of it."""
    outcome = require_reason(outcome, "outcome", _("Say what came of it."))
    action = _lock_unresolved(action)
    _close(action, Action.Status.DONE, by)
    action.outcome_note = outcome
    action.save(update_fields=[*CLOSE_FIELDS, "wake_on", "outcome_note"])
    return action


@transaction.atomic
def action_drop(*, action: Action, reason: str, by: User | None = None) -> Action:
    reason = require_reason(reason, "reason", _("Say why the action is dropped."))
    action = _lock_unresolved(action)
    _close(action, Action.Status.DROPPED, by)
    action.drop_reason = reason
    action.save(update_fields=[*CLOSE_FIELDS, "wake_on", "drop_reason"])
    return action


def snooze_problem(wake_on: dt.date, on: dt.date | None = None) -> str | None:
    """Why `wake_on` cannot be a wake date, or None: after today and at most 30 days out."""
    on = on or today()
    if wake_on <= on:
        return _("Choose a wake date after today.")
    if wake_on > on + dt.timedelta(days=SNOOZE_MAX_DAYS):
        return _("Snooze at most %(n)s days (until %(day)s).") % {
            "n": SNOOZE_MAX_DAYS,
            "day": on + dt.timedelta(days=SNOOZE_MAX_DAYS),
        }
    return None


@transaction.atomic
def action_snooze(*, action: Action, reason: str, wake_on: dt.date, by: User | None = None) -> Action:
    """Put aside until `wake_on`; the nightly run opens it again that day."""
    reason = require_reason(reason, "reason", _("Say why the action is snoozed."))
    if problem := snooze_problem(wake_on):
        raise ValidationError({"wake_on": problem})
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != Action.Status.OPEN:
        raise ValidationError(_("This action is already %(status)s.") % {"status": action.get_status_display().lower()})
    action.status, action.snooze_reason, action.wake_on = Action.Status.SNOOZED, reason, wake_on
    action.save(update_fields=["status", "snooze_reason", "wake_on"])
    return action


def actions_wake(day: dt.date) -> int:
    """Snoozed actions whose wake date has come are open again (each saved: audited)."""
    woken = 0
    for action in Action.objects.select_for_update().filter(status=Action.Status.SNOOZED, wake_on__lte=day):
        action.status, action.wake_on = Action.Status.OPEN, None
        action.save(update_fields=["status", "wake_on"])
        woken += 1
    return woken


def plays_start(day: dt.date, firings: Iterable[tuple[int, str]], on: dt.date | None = None) -> list[Action]:
    """For each (client id, rule) firing on `day` with no open or snoozed action from that rule,
    the rule's play steps become actions, due `offset` business days after `day` (three queries
    and one insert, whatever the number of firings). Reruns create nothing twice: the actions
    they made are open, and a firing whose play was carried out (or dropped) gets it only once."""
    if day < (on or today()) - dt.timedelta(days=PLAY_WINDOW_DAYS):
        return []
    wanted = set(firings)
    if not wanted:
        return []
    owed = set(
        Action.objects.unresolved()
        .filter(client_id__in={pk for pk, _rule in wanted})
        .exclude(rule="")
        .values_list("client_id", "rule")
    )
    plays = {play.rule: play for play in Play.objects.prefetch_related("steps")}
    warnings = {
        (w.client_id, w.rule): w
        for w in EarlyWarning.objects.filter(client_id__in={pk for pk, _rule in wanted}, resolved_on__isnull=True)
        .annotate(played=Exists(Action.objects.filter(warning=OuterRef("pk"))))
        .select_related("client")
    }
    new = []
    for key in sorted(wanted - owed):
        play, warning = plays.get(key[1]), warnings.get(key)
        if play is None or warning is None or warning.played:  # once per firing
            continue
        for step in play.steps.all():
            new.append(
                Action(
                    client_id=key[0],
                    title=step.title,
                    owner_id=warning.client.account_manager_id,
                    due_on=add_business_days(day, step.due_offset_days),
                    origin=Action.Origin.PLAY,
                    rule=key[1],
                    warning=warning,
                    play_step=step,
                )
            )
    # Bulk: the rollup's writes are the system's, not people's edits (core.audit).
    created = Action.objects.bulk_create(new, batch_size=1000)
    if created:  # bulk_create skips Action.save: the clients' oldest open action, once
        refresh_current_state({action.client_id for action in created})
    return created
