"""The voice of the client read once for a range of days (`VoiceHistory`, the rollup's) says, for
every day, what the one-day query (`voice_by_client`, the client panel's and the nightly run's)
says: contacts and negative ones in the 28 days, detractors in them, the latest call and the latest
call with a senior person. A random agency of contacts on every channel, sentiments, senior and
other participants, and NPS responses, compared day by day."""

import datetime as dt
import random

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.tests.factories import ClientFactory, ContactFactory, NPSResponseFactory
from clients.voice_inputs import VoiceHistory, voice_by_client

pytestmark = pytest.mark.django_db
FIRST, LAST = dt.date(2026, 3, 1), dt.date(2026, 4, 30)


def test_the_range_says_what_each_day_says(am, pod):
    rng = random.Random(3)
    senior = UserFactory(role=Role.POD_LEAD, pod=pod)
    other = UserFactory(role=Role.DESIGNER, pod=pod)
    clients = [ClientFactory(account_manager=am) for _ in range(5)]
    for client in clients[:4]:  # the fifth has no contact and no response at all
        for _ in range(rng.randint(8, 20)):
            contact = ContactFactory(
                client=client,
                contacted_on=FIRST + dt.timedelta(days=rng.randint(-60, 70)),  # some after the range
                channel=rng.choice(["call", "meeting", "email", "chat"]),
                sentiment=rng.choice(["positive", "neutral", "negative", ""]),
            )
            contact.agency_people.set(rng.sample([senior, other, am], rng.randint(0, 2)))
        for _ in range(rng.randint(2, 6)):
            NPSResponseFactory(
                client=client, score=rng.randint(0, 10), responded_on=FIRST + dt.timedelta(days=rng.randint(-40, 60))
            )
    ids = [c.pk for c in clients]
    history = VoiceHistory(ids, FIRST, LAST)
    day, compared = FIRST, 0
    while day <= LAST:
        assert history.on(day) == voice_by_client(ids, day), day
        day += dt.timedelta(days=1)
        compared += 1
    assert compared == 61
    busy = history.on(LAST)
    assert any(v.negative_contacts for v in busy.values()) and any(v.last_senior_call_on for v in busy.values())
    assert any(history.on(d)[ids[0]].recent_detractors for d in (FIRST + dt.timedelta(days=k) for k in range(61)))
