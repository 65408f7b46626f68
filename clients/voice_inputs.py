"""What the client's own voice says about it, per client and day, in one query: contacts and their
sentiment and NPS detractors in the 28 days ending on the day (the health signal's sentiment and
complaint factors), and the latest call or meeting that keeps the tier's contact cadence."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Role
from clients.models import Client, Contact, NPSResponse

VOICE_DAYS = 28
CADENCE_CHANNELS = (Contact.Channel.CALL, Contact.Channel.MEETING)
SENIOR_ROLES = (Role.LEADERSHIP, Role.POD_LEAD)


@dataclass(frozen=True)
class Voice:
    recent_contacts: int = 0
    negative_contacts: int = 0
    recent_detractors: int = 0
    last_call_on: dt.date | None = None  # latest call or meeting on or before the day
    last_senior_call_on: dt.date | None = None  # the same, with a senior person from the agency

    def last_cadence_contact(self, needs_senior: bool) -> dt.date | None:
        return self.last_senior_call_on if needs_senior else self.last_call_on


def _count(queryset) -> Coalesce:
    counted = queryset.values("client").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _latest(queryset) -> Subquery:
    return Subquery(queryset.values("client").annotate(last=Max("contacted_on")).values("last")[:1])


def voice_by_client(client_ids: Iterable[int], on: dt.date) -> dict[int, Voice]:
    """client id → its Voice on `on` (one query, whatever the client count)."""
    since = on - dt.timedelta(days=VOICE_DAYS - 1)
    contacts = Contact.objects.filter(client=OuterRef("pk"), contacted_on__lte=on)
    recent = contacts.filter(contacted_on__gte=since)
    calls = contacts.filter(channel__in=CADENCE_CHANNELS)
    senior = calls.filter(
        pk__in=Contact.agency_people.through.objects.filter(user__role__in=SENIOR_ROLES).values("contact")
    )
    detractors = NPSResponse.objects.filter(client=OuterRef("pk"), responded_on__range=(since, on), score__lte=6)
    rows = (
        Client.objects.filter(pk__in=list(client_ids))
        .annotate(
            recent=_count(recent),
            negative=_count(recent.filter(sentiment=Contact.Sentiment.NEGATIVE)),
            detractors=_count(detractors),
            last_call=_latest(calls),
            last_senior=_latest(senior),
        )
        .values_list("pk", "recent", "negative", "detractors", "last_call", "last_senior")
    )
    return {pk: Voice(*values) for pk, *values in rows}
