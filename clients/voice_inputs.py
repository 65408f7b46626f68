"""What the client's own voice says about it, per client and day, in one query: contacts and their
sentiment and NPS detractors in the 28 days ending on the day (the health signal's sentiment and
complaint factors), and the latest call or meeting that keeps the tier's contact cadence."""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Subquery
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


class VoiceHistory:
    """`voice_by_client` for every day of a range, from two queries: each client's contacts and
    detractor responses up to the range's last day, sorted by day, then counted per day by bisection
    (the rollup of a year of days reads them once, not once a day)."""

    def __init__(self, client_ids: Iterable[int], first: dt.date, last: dt.date):
        ids = list(client_ids)
        self.ids = ids
        self.contacts: dict[int, list[dt.date]] = {pk: [] for pk in ids}
        self.negative: dict[int, list[dt.date]] = {pk: [] for pk in ids}
        self.calls: dict[int, list[dt.date]] = {pk: [] for pk in ids}
        self.senior_calls: dict[int, list[dt.date]] = {pk: [] for pk in ids}
        self.detractors: dict[int, list[dt.date]] = {pk: [] for pk in ids}
        senior = Contact.agency_people.through.objects.filter(contact=OuterRef("pk"), user__role__in=SENIOR_ROLES)
        rows = (
            Contact.objects.filter(client_id__in=ids, contacted_on__lte=last)
            .annotate(senior=Exists(senior))
            .order_by("contacted_on", "pk")
        )
        for client_id, on, channel, sentiment, with_senior in rows.values_list(
            "client_id", "contacted_on", "channel", "sentiment", "senior"
        ).iterator(chunk_size=5000):
            self.contacts[client_id].append(on)
            if sentiment == Contact.Sentiment.NEGATIVE:
                self.negative[client_id].append(on)
            if channel in CADENCE_CHANNELS:
                self.calls[client_id].append(on)
                if with_senior:
                    self.senior_calls[client_id].append(on)
        since = first - dt.timedelta(days=VOICE_DAYS - 1)
        for client_id, on in (
            NPSResponse.objects.filter(client_id__in=ids, responded_on__range=(since, last), score__lte=6)
            .order_by("responded_on")
            .values_list("client_id", "responded_on")
        ):
            self.detractors[client_id].append(on)

    def on(self, day: dt.date, client_ids: Iterable[int] | None = None) -> dict[int, Voice]:
        since = day - dt.timedelta(days=VOICE_DAYS - 1)

        def within(days: list[dt.date]) -> int:
            return bisect_right(days, day) - bisect_left(days, since)

        def latest(days: list[dt.date]) -> dt.date | None:
            i = bisect_right(days, day)
            return days[i - 1] if i else None

        return {
            pk: Voice(
                within(self.contacts[pk]),
                within(self.negative[pk]),
                within(self.detractors[pk]),
                latest(self.calls[pk]),
                latest(self.senior_calls[pk]),
            )
            for pk in (self.ids if client_ids is None else client_ids)
        }
