"""Meeting records: every pod held two growth reviews, two and four weeks ago, recorded by its
lead with the pod and one leader attending; each active client got a note, every third a decision
that became an action (the older review's are done). Each pod has a chat channel configured to a
local address nothing listens on (the nightly post fails there, clearly, as the pod page shows).
Deterministic: notes and decisions follow the client's place in name order and its own stream."""

import datetime as dt

from accounts.models import Pod
from clients.models import Action, Client, MeetingDecision, MeetingNote, MeetingRecord, add_business_days
from godview.demo.base import Context, Team, at

REVIEWS_AGO_WEEKS = (4, 2)  # biweekly, oldest first
NOTES = (
    "On track against the quarter's objectives; keep the weekly cadence.",
    "Sponsor asked for a clearer view of results; share the dashboard.",
    "Usage dipped after their reorg; check who owns the account now.",
    "Happy with delivery; a good moment to talk about the next quarter.",
)
DECISIONS = (
    "Send the sponsor a one-page value recap",
    "Book a working session with the new main contact",
    "Propose the next quarter's objectives",
)
DONE = "Done in the following week; the client replied positively."
DEMO_WEBHOOK = "http://127.0.0.1:9/demo-webhook/{pod}"  # port 9 (discard): refused, never sent anywhere


def build_meetings(ctx: Context, team: Team) -> int:
    """Two recorded growth reviews per pod; returns the number of client notes."""
    leader = team.leaders[0]
    notes = 0
    for pod_team in team.pods:
        clients = list(Client.objects.active().filter(account_manager__pod=pod_team.pod).order_by("name"))
        for ago in REVIEWS_AGO_WEEKS:
            held_on = ctx.this_monday - dt.timedelta(weeks=ago) + dt.timedelta(days=2)  # a Wednesday
            # Bulk, as all the demo's rows: the audit trail is for people's edits (core.audit).
            (meeting,) = MeetingRecord.objects.bulk_create(
                [
                    MeetingRecord(
                        pod=pod_team.pod, held_on=held_on, recorded_by=pod_team.lead, created_at=at(held_on, 11)
                    )
                ]
            )
            MeetingRecord.attendees.through.objects.bulk_create(
                MeetingRecord.attendees.through(meetingrecord=meeting, user=person)
                for person in (pod_team.lead, *pod_team.ams, pod_team.designer, leader)
            )
            notes += _notes(ctx, meeting, clients, done=ago == REVIEWS_AGO_WEEKS[0])
    for n, pod in enumerate(Pod.objects.order_by("name")):
        Pod.objects.filter(pk=pod.pk).update(webhook_kind="slack", webhook_url=DEMO_WEBHOOK.format(pod=n + 1))
    return notes


def _notes(ctx: Context, meeting: MeetingRecord, clients: list[Client], done: bool) -> int:
    held = at(meeting.held_on, 11)
    rows = MeetingNote.objects.bulk_create(
        MeetingNote(
            meeting=meeting,
            client=client,
            note=ctx.rng("meeting-note", meeting.held_on, client.name).choice(NOTES),
            recorded_by=meeting.recorded_by,
            created_at=held,
        )
        for client in clients
    )
    decided = [(note, client) for n, (note, client) in enumerate(zip(rows, clients, strict=True)) if n % 3 == 0]
    actions = Action.objects.bulk_create(
        Action(
            client=client,
            title=ctx.rng("meeting-decision", meeting.held_on, client.name).choice(DECISIONS),
            owner_id=client.account_manager_id,
            due_on=add_business_days(meeting.held_on, 5),
            origin=Action.Origin.MEETING,
            created_by=meeting.recorded_by,
            created_at=held,
            **(
                {
                    "status": Action.Status.DONE,
                    "outcome_note": DONE,
                    "closed_at": held + dt.timedelta(days=6),
                    "closed_by_id": client.account_manager_id,
                }
                if done
                else {}
            ),
        )
        for _note, client in decided
    )
    MeetingDecision.objects.bulk_create(
        MeetingDecision(note=note, text=action.title, owner_id=action.owner_id, due_on=action.due_on, action=action)
        for (note, _client), action in zip(decided, actions, strict=True)
    )
    return len(rows)
