"""The premium service format (issue 20, item 6): the tier's cadence, contacts with the agency's
people, the off-cadence early warning (pure rule and nightly), deliverables ticked per month, the
service screen and its CSV, scope and query counts."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.models import Contact, DeliverableCheck, EarlyWarning, Play, TierDeliverable, WarningRule
from clients.service_format import cadence_for, month_of
from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, ContactFactory, TierFactory
from clients.tests.test_warnings import QUIET
from clients.warnings import Rule, evaluate
from core.weeks import today
from godview.rollup import rollup_day

pytestmark = pytest.mark.django_db
OFF = Rule("off_cadence", Decimal("0"))


def off_cadence(**changes) -> str | None:
    firing = next((f for f in evaluate(replace(QUIET, **changes), [OFF]) if f.rule == "off_cadence"), None)
    return firing.reason if firing else None


def test_the_off_cadence_rule_fires_one_day_past_the_cadence_and_says_why():
    on = QUIET.on
    assert off_cadence() is None  # a tier without a cadence never fires
    assert off_cadence(cadence_days=14, last_cadence_contact_on=on - dt.timedelta(days=14)) is None
    reason = off_cadence(cadence_days=14, cadence_needs_senior=True, last_cadence_contact_on=on - dt.timedelta(days=15))
    assert reason == "15 days since the last call or meeting with a senior person (Premium cadence: every 14 days)"
    # none yet: counted from the client's start
    assert off_cadence(cadence_days=14, client_since=on - dt.timedelta(days=10)) is None
    assert off_cadence(cadence_days=14, client_since=on - dt.timedelta(days=20)) == (
        "No call or meeting yet in 20 days as a client (Premium cadence: every 14 days)"
    )
    grace = [Rule("off_cadence", Decimal("3"))]
    late = replace(QUIET, cadence_days=14, last_cadence_contact_on=on - dt.timedelta(days=17))
    assert evaluate(late, grace) == []


def test_the_rule_has_its_row_and_default_play_from_the_migration():
    assert WarningRule.objects.filter(code="off_cadence", enabled=True).exists()
    play = Play.objects.get(rule="off_cadence")
    assert play.steps.count() == 2


@pytest.fixture
def premium():
    """The premium tier (seeded by the migrations) with its service format: a call every 14 days
    with a senior person present."""
    tier = TierFactory(code="premium", name="Premium", is_premium=True, stale_contact_days=7)
    tier.cadence_days, tier.cadence_needs_senior = 14, True
    tier.save()
    return tier


def test_only_calls_with_a_senior_person_keep_a_premium_client_on_cadence_at_night(am, pod_lead, premium):
    acme = ClientFactory(account_manager=am, tier=premium, started_on=today() - dt.timedelta(days=200))
    recent = ContactFactory(client=acme, contacted_on=today() - dt.timedelta(days=3), channel="call")
    recent.agency_people.set([am])  # the AM alone: not enough for premium
    email = ContactFactory(client=acme, contacted_on=today() - dt.timedelta(days=1), channel="email")
    email.agency_people.set([am, pod_lead])  # an email never keeps the cadence
    senior = ContactFactory(client=acme, contacted_on=today() - dt.timedelta(days=20), channel="meeting")
    senior.agency_people.set([am, pod_lead])
    rollup_day(today())
    warning = EarlyWarning.objects.get(client=acme, rule="off_cadence", resolved_on__isnull=True)
    assert warning.reason.startswith("20 days since the last call or meeting with a senior person")
    cadence = cadence_for([acme])[acme.pk]
    assert (cadence.last_on, cadence.days_since, cadence.off) == (senior.contacted_on, 20, True)
    assert cadence.next_due == senior.contacted_on + dt.timedelta(days=14)
    recent.agency_people.add(pod_lead)
    rollup_day(today())
    assert EarlyWarning.objects.get(client=acme, rule="off_cadence").resolved_on == today()
    assert cadence_for([acme])[acme.pk].days_since == 3


def test_the_contact_form_records_who_from_the_agency_took_part_and_the_problem_raised(client, am, pod_lead, other_am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    url = reverse("workspace_form", kwargs={"pk": acme.pk, "kind": "contact"})
    form = client.get(url, **HTMX).content.decode()
    assert "From the agency" in form and str(pod_lead) in form and str(other_am) not in form  # another pod's AM
    data = {
        "contacted_on": today().isoformat(),
        "channel": "call",
        "who": "Dana (CMO)",
        "summary": "Unhappy about the late report.",
        "sentiment": "negative",
        "problem": "missed_deliverables",
        "agency_people": [am.pk, pod_lead.pk],
        "form_token": token(),
    }
    assert client.post(url, data, **HTMX).status_code == 200
    contact = Contact.objects.get(client=acme)
    assert contact.problem == "missed_deliverables"
    assert set(contact.agency_people.all()) == {am, pod_lead}
    # a problem needs a negative contact; an outsider is not a choice
    bad = client.post(url, {**data, "sentiment": "neutral", "form_token": token()}, **HTMX)
    assert bad.status_code == 422 and "A problem is recorded with a negative contact" in bad.content.decode()
    outsider = client.post(url, {**data, "agency_people": [other_am.pk], "form_token": token()}, **HTMX)
    assert outsider.status_code == 422
    assert Contact.objects.filter(client=acme).count() == 1


def test_deliverables_are_ticked_per_month_on_the_client_region(client, am, other_am, premium):
    acme = ClientFactory(account_manager=am, tier=premium)
    report = TierDeliverable.objects.create(tier=premium, position=1, title="Executive report")
    TierDeliverable.objects.create(tier=premium, position=2, title="Competitor briefing")
    standard = TierDeliverable.objects.create(tier=TierFactory(), position=1, title="Not premium")
    client.force_login(other_am)
    assert client.get(reverse("client_service", args=[acme.pk]), **HTMX).status_code == 404
    url = reverse("deliverable_toggle", args=[acme.pk, report.pk])
    assert client.post(url, {"done": "1"}).status_code == 404
    client.force_login(am)
    response = client.post(url, {"done": "1"}, **HTMX)
    assert response.status_code == 200 and "1 of 2" in response.content.decode()
    assert client.post(url, {"done": "1"}, **HTMX).status_code == 200  # a double click ticks once
    assert DeliverableCheck.objects.get(client=acme).month == month_of(today())
    assert client.post(reverse("deliverable_toggle", args=[acme.pk, standard.pk]), {"done": "1"}).status_code == 404
    assert client.post(url, {"done": "maybe"}).status_code == 400
    client.post(url, {"done": "0"}, **HTMX)
    assert not DeliverableCheck.objects.exists()


def test_the_service_screen_and_csv_list_the_clients_in_scope_with_their_cadence(client, am, other_am, premium):
    on_cadence = ClientFactory(account_manager=am, tier=premium, name="On")
    call = ContactFactory(client=on_cadence, contacted_on=today() - dt.timedelta(days=2))
    call.agency_people.set([UserFactory(role=Role.LEADERSHIP)])
    ClientFactory(account_manager=am, tier=premium, name="Off", started_on=today() - dt.timedelta(days=30))
    ClientFactory(account_manager=other_am, tier=premium, name="Theirs")
    ClientFactory(account_manager=am, name="Standard")  # a tier with no cadence nor deliverables
    client.force_login(am)
    page = client.get(reverse("service_list")).content.decode()
    assert "On" in page and "Off" in page and "Theirs" not in page and "Standard" not in page
    assert "1 off its cadence" in page
    off = client.get(reverse("service_list") + "?status=off").content.decode()
    assert ">Off<" in off and ">On<" not in off
    lines = b"".join(client.get(reverse("service_export")).streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("Off,") and ",14,yes,,30," in lines[1] and lines[1].endswith(",yes,0,0")
    assert lines[2].startswith("On,") and f",14,yes,{call.contacted_on.isoformat()},2," in lines[2]
    assert client.get(reverse("service_list") + "?status=late").status_code == 400


@pytest.mark.parametrize("size", [1, 6])
def test_the_service_screen_costs_the_same_queries_at_any_size(client, am, premium, size, django_assert_num_queries):
    TierDeliverable.objects.create(tier=premium, position=1, title="Executive report")
    for _ in range(size):
        acme = ClientFactory(account_manager=am, tier=premium)
        ContactFactory(client=acme).agency_people.set([am])
    client.force_login(am)
    # session, user, the clients (tier and AM joined), their voice (the latest calls), the tiers'
    # deliverables, this month's ticks, the top bar's open-action count
    with django_assert_num_queries(7):
        assert client.get(reverse("service_list")).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_the_client_region_costs_the_same_queries_however_many_deliverables(
    client, am, premium, size, django_assert_num_queries
):
    acme = ClientFactory(account_manager=am, tier=premium)
    for n in range(size):
        deliverable = TierDeliverable.objects.create(tier=premium, position=n + 1, title=f"Deliverable {n}")
        DeliverableCheck.objects.create(client=acme, deliverable=deliverable, month=month_of(today()), done_on=today())
    client.force_login(am)
    # session, user, client (tier and AM joined), this month's ticks, the tier's deliverables, the
    # client's voice (its latest calls)
    with django_assert_num_queries(6):
        response = client.get(reverse("client_service", args=[acme.pk]), **HTMX)
    assert f"{size} of {size}" in response.content.decode()
