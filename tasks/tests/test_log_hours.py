"""Hours logged in God-view (issue 12): the quick form, and hours per client per person on the
client, person and pod pages, summed here by hand from the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory
from core.weeks import agency_tz, today
from tasks.models import TimeEntry
from tasks.tests.factories import SourceFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def log(client, target, **data):
    url = reverse("log_hours", kwargs={"pk": target.pk})
    return client.post(url, {"day": today().isoformat(), "hours": "1.5", **data, "form_token": token()}, **HTMX)


def test_an_am_and_the_pods_designer_log_hours_on_a_client(client, am, designer):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    assert client.get(reverse("log_hours", kwargs={"pk": acme.pk}), **HTMX).status_code == 200
    response = log(client, acme, hours="2.25", description="Monthly report")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "hoursLogged"
    client.force_login(designer)
    assert log(client, acme, hours="1").status_code == 200
    rows = list(TimeEntry.objects.filter(client=acme).values_list("user__username", "hours", "source_id"))
    assert sorted(rows) == [("am", Decimal("2.25"), None), ("designer", Decimal("1.00"), None)]


def test_hours_cannot_be_logged_in_the_future_or_beyond_a_day(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    assert log(client, acme, day=(today() + dt.timedelta(days=1)).isoformat()).status_code == 422
    assert log(client, acme, hours="25").status_code == 422
    assert log(client, acme, hours="0").status_code == 422
    assert not TimeEntry.objects.exists()


def test_a_double_submit_logs_the_hours_once(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    data = {"day": today().isoformat(), "hours": "1", "form_token": token()}
    url = reverse("log_hours", kwargs={"pk": acme.pk})
    assert client.post(url, data, **HTMX).status_code == 200
    assert client.post(url, data, **HTMX).status_code == 409
    assert TimeEntry.objects.count() == 1


def test_outsiders_and_leadership_cannot_log_hours(client, am, other_am, leader):
    acme = ClientFactory(account_manager=am)
    for user in (other_am, leader):
        client.force_login(user)
        assert log(client, acme).status_code == 404
    assert not TimeEntry.objects.exists()


def test_hours_per_person_and_client_add_up_on_the_client_person_and_pod_pages(client, am, designer, leader):
    acme = ClientFactory(account_manager=am, name="Acme")
    beta = ClientFactory(account_manager=am, name="Beta")
    noon = dt.datetime.combine(today() - dt.timedelta(days=8), dt.time(12), tzinfo=agency_tz())
    source = SourceFactory()
    rows = [
        (am, acme, "3", source),
        (am, acme, "1.5", None),
        (designer, acme, "2", source),
        (am, beta, "4", None),
    ]
    for user, target, hours, from_source in rows:
        TimeEntryFactory(user=user, client=target, hours=Decimal(hours), started_at=noon, source=from_source)
    expected = {}
    for user, target, hours, _source in rows:
        key = (user.pk, target.pk)
        expected[key] = expected.get(key, Decimal(0)) + Decimal(hours)
    client.force_login(leader)
    page = client.get(reverse("client_detail", kwargs={"pk": acme.pk}))
    on_client = {(r["user_id"], r["client_id"]): r["total"] for r in page.context["hours_by_person"]}
    assert on_client == {k: v for k, v in expected.items() if k[1] == acme.pk}
    assert "Hours per person, last 30 days" in page.content.decode()
    person = client.get(reverse("person_detail", kwargs={"pk": am.pk}))
    by_person = {(r["user_id"], r["client_id"]): (r["total"], r["logged_here"]) for r in person.context["hours"]}
    assert by_person == {(am.pk, acme.pk): (Decimal("4.5"), Decimal("1.5")), (am.pk, beta.pk): (Decimal(4), Decimal(4))}
    pod = client.get(reverse("pod_detail", kwargs={"pk": am.pod_id}))
    assert {(r["user_id"], r["client_id"]): r["total"] for r in pod.context["hours"]} == expected
