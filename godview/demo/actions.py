"""Actions: after the rollup has started the plays of today's firings, they age and close as a
team's would, so Today, the queue and the God-view have every state to show. Deterministic: each
action's fate follows its place in a stable order (client name, rule, title), its age its own stream."""

import datetime as dt

from clients.models import Action, Client
from godview.demo.base import Context

# The fate of the n-th action, cycling: most stay open, some are done, one in ten snoozed or dropped.
FATES = ("done", "open", "done", "snoozed", "open", "dropped", "open", "done", "open", "open")
OUTCOMES = (
    "Spoke to the main contact; next check-in booked.",
    "Recap sent; the client answered the same day.",
    "Plan agreed with the sponsor.",
)
SNOOZE = "The main contact is on holiday until then."
DROP = "Handled in the quarterly review instead."
MANUAL = "Prepare the renewal conversation"


def build_actions(ctx: Context) -> int:
    actions = list(Action.objects.select_related("client").order_by("client__name", "rule", "title", "pk"))
    for n, action in enumerate(actions):
        rng = ctx.rng("action", action.client.name, action.rule, action.title)
        age = rng.randint(0, 12)  # days since the play started
        action.created_at = ctx.now - dt.timedelta(days=age)
        action.due_on -= dt.timedelta(days=age)
        fate = FATES[n % len(FATES)]
        if fate in ("done", "dropped"):
            action.status = fate
            action.closed_at = action.created_at + dt.timedelta(days=rng.randint(0, age), hours=rng.randint(1, 8))
            action.closed_at = min(action.closed_at, ctx.now)
            action.closed_by = action.owner
            if fate == "done":
                action.outcome_note = rng.choice(OUTCOMES)
            else:
                action.drop_reason = DROP
        elif fate == "snoozed":
            action.status, action.snooze_reason = fate, SNOOZE
            action.wake_on = ctx.today + dt.timedelta(days=rng.randint(2, 14))
    Action.objects.bulk_update(
        actions,
        ["created_at", "due_on", "status", "closed_at", "closed_by", "outcome_note", "drop_reason", "snooze_reason",
         "wake_on"],
        batch_size=1000,
    )  # fmt: skip
    manual = [
        Action(
            client=client,
            title=MANUAL,
            owner_id=client.account_manager_id,
            due_on=ctx.today + dt.timedelta(days=ctx.rng("manual", client.name).randint(-3, 10)),
            origin=Action.Origin.MANUAL,
            created_by_id=client.account_manager_id,
            created_at=ctx.now - dt.timedelta(days=14),
        )
        for n, client in enumerate(Client.objects.active().order_by("name"))
        if n % 6 == 0
    ]
    Action.objects.bulk_create(manual)
    return len(actions) + len(manual)
