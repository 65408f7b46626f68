"""The premium service format (issue 20): each tier's contact cadence and extra deliverables.

A client is **on cadence** when its latest qualifying contact (a call or meeting, with a senior
person from the agency when the tier asks for one) is at most the tier's cadence days ago; a
client with none yet counts from its start date. The early-warning rule `off_cadence` fires on
the same test (plus the rule's grace days); the tier's deliverables are ticked per calendar month.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client, DeliverableCheck, TierDeliverable
from clients.voice_inputs import Voice, voice_by_client
from core.weeks import month_first as month_of  # the month a deliverable is checked for
from core.weeks import today


@dataclass(frozen=True)
class Cadence:
    every_days: int
    needs_senior: bool
    last_on: dt.date | None  # the latest qualifying call or meeting
    counted_from: dt.date  # that, or the client's start when there is none yet
    on: dt.date

    @property
    def days_since(self) -> int:
        return (self.on - self.counted_from).days

    @property
    def next_due(self) -> dt.date:
        return self.counted_from + dt.timedelta(days=self.every_days)

    @property
    def off(self) -> bool:
        return self.days_since > self.every_days


def cadence_for(clients: Iterable[Client], on: dt.date | None = None) -> dict[int, Cadence]:
    """client id → its cadence, for clients whose tier has one (tier loaded; one query)."""
    on = on or today()
    cadenced = [c for c in clients if c.tier.cadence_days]
    voices = voice_by_client([c.pk for c in cadenced], on) if cadenced else {}
    result = {}
    for client in cadenced:
        tier = client.tier
        last = voices.get(client.pk, Voice()).last_cadence_contact(tier.cadence_needs_senior)
        result[client.pk] = Cadence(tier.cadence_days, tier.cadence_needs_senior, last, last or client.started_on, on)
    return result


@dataclass(frozen=True)
class DeliverableRow:
    deliverable: TierDeliverable
    check: DeliverableCheck | None


def deliverables_for(client: Client, month: dt.date) -> list[DeliverableRow]:
    """The tier's active deliverables with this month's ticks (two queries)."""
    checks = {c.deliverable_id: c for c in client.deliverable_checks.filter(month=month).select_related("done_by")}
    return [
        DeliverableRow(d, checks.get(d.pk)) for d in TierDeliverable.objects.filter(tier_id=client.tier_id, active=True)
    ]


def deliverables_done(clients: Iterable[Client], month: dt.date) -> dict[int, tuple[int, int]]:
    """client id → (deliverables ticked this month, the tier's active deliverables) (two queries)."""
    clients = list(clients)
    per_tier: dict[int, set[int]] = {}
    for tier_id, pk in TierDeliverable.objects.filter(active=True).values_list("tier_id", "pk"):
        per_tier.setdefault(tier_id, set()).add(pk)
    done: dict[int, int] = {}
    checks = DeliverableCheck.objects.filter(client__in=[c.pk for c in clients], month=month, deliverable__active=True)
    for client_id in checks.values_list("client_id", flat=True):
        done[client_id] = done.get(client_id, 0) + 1
    return {c.pk: (done.get(c.pk, 0), len(per_tier.get(c.tier_id, ()))) for c in clients}


@transaction.atomic
def deliverable_set(*, client: Client, deliverable: TierDeliverable, done: bool, by: User) -> None:
    """Tick or untick a tier deliverable for this month; setting what is already set changes nothing."""
    if deliverable.tier_id != client.tier_id or not deliverable.active:
        raise ValidationError(_("This deliverable is not part of the client's tier."))
    month = month_of(today())
    if done:
        DeliverableCheck.objects.get_or_create(
            client=client, deliverable=deliverable, month=month, defaults={"done_on": today(), "done_by": by}
        )
    else:
        DeliverableCheck.objects.filter(client=client, deliverable=deliverable, month=month).delete()
