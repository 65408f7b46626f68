"""Writes for meeting records: start a meeting, record a client's note and decisions. A decision
with an owner and a due date becomes an action (origin "meeting decision") through
`action_create`, in the same transaction as the note."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Pod, User
from clients.action_services import action_create
from clients.models import Action, Client, MeetingDecision, MeetingNote, MeetingRecord
from core.text import tidy


@dataclass(frozen=True)
class Decision:
    text: str
    owner: User | None = None
    due_on: dt.date | None = None

    @property
    def is_action(self) -> bool:
        return self.owner is not None and self.due_on is not None


@transaction.atomic
def meeting_start(*, pod: Pod, kind: str, held_on: dt.date, attendees: Iterable[User], by: User) -> MeetingRecord:
    meeting = MeetingRecord(pod=pod, kind=kind, held_on=held_on, recorded_by=by)
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(list(attendees))
    return meeting


@transaction.atomic
def meeting_note_record(
    *, meeting: MeetingRecord, client: Client, note: str, decisions: Sequence[Decision], by: User
) -> MeetingNote:
    """The meeting's note on `client`, once; each decision kept, the owned and dated ones as actions."""
    note = tidy(note)
    decisions = [d for d in decisions if tidy(d.text)]
    if not note and not decisions:
        raise ValidationError({"note": _("Write a note or a decision.")})
    if client.account_manager is None or client.account_manager.pod_id != meeting.pod_id:
        raise ValidationError(_("This client is not one of the meeting's pod."))
    try:
        with transaction.atomic():
            record = MeetingNote.objects.create(meeting=meeting, client=client, note=note, recorded_by=by)
    except IntegrityError:
        raise ValidationError(_("This meeting already has a note on %(client)s.") % {"client": client}) from None
    for decision in decisions:
        action = None
        if decision.is_action:
            action = action_create(
                client=client,
                title=decision.text,
                due_on=decision.due_on,
                owner=decision.owner,
                origin=Action.Origin.MEETING,
                by=by,
            )
        MeetingDecision.objects.create(
            note=record, text=tidy(decision.text), owner=decision.owner, due_on=decision.due_on, action=action
        )
    return record
