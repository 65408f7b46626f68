"""Saved views: leadership names the filters of a screen and shares the link; the link opens the
same filters; bad input is a 422 with a message and nothing saved; others get 404."""

import pytest

from godview.models import SavedView

pytestmark = pytest.mark.django_db


def save(client, **fields):
    data = {"name": "Pod A, premium", "path": "/clients/", "query": "pod=1&tier=premium&page=3"} | fields
    return client.post("/views/", data)


def test_a_leader_saves_the_filters_and_the_link_opens_them(client, leader, pod):
    client.force_login(leader)
    response = save(client, query=f"pod={pod.pk}&tier=premium&page=3")
    view = SavedView.objects.get()
    assert (view.name, view.path, view.query, view.created_by) == (
        "Pod A, premium",
        "/clients/",
        f"pod={pod.pk}&tier=premium",
        leader,
    )
    assert response.status_code == 302 and response["Location"] == f"/clients/?pod={pod.pk}&tier=premium"
    assert client.get(response["Location"]).status_code == 200
    listing = client.get("/views/").content.decode()
    assert "Pod A, premium" in listing and f'href="/clients/?pod={pod.pk}&amp;tier=premium"' in listing


def test_the_filter_bar_offers_save_view_to_leadership_only(client, leader, am):
    client.force_login(leader)
    assert "Save view" in client.get("/clients/").content.decode()
    client.force_login(am)
    assert "Save view" not in client.get("/clients/").content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "Give the view a name."),
        ({"path": "/admin/"}, "Only a screen with a filter bar"),
        ({"path": "/nowhere/"}, "Only a screen with a filter bar"),
        ({"name": "x" * 81}, "at most 80 characters"),
        ({"query": "q=" + "x" * 1000}, "at most 80 characters and the filters at most 1,000"),
    ],
)
def test_a_bad_view_is_a_422_with_its_message_and_nothing_is_saved(client, leader, fields, message):
    client.force_login(leader)
    response = save(client, **fields)
    assert response.status_code == 422 and message in response.content.decode()
    assert not SavedView.objects.exists()


def test_a_second_view_of_the_same_name_is_refused_and_the_first_kept(client, leader):
    client.force_login(leader)
    save(client, query="tier=premium")
    response = save(client, query="tier=standard")
    assert response.status_code == 422 and "already have a view called" in response.content.decode()
    assert list(SavedView.objects.values_list("query", flat=True)) == ["tier=premium"]


def test_only_the_author_deletes_a_view_and_others_than_leadership_get_404(client, leader, admin_user, am):
    client.force_login(leader)
    save(client)
    view = SavedView.objects.get()
    client.force_login(admin_user)
    assert client.post(f"/views/{view.pk}/delete/").status_code == 404
    client.force_login(am)
    assert client.get("/views/").status_code == 404 and save(client).status_code == 404
    client.force_login(leader)
    assert client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_empty_filters_are_left_out_of_the_saved_link(client, leader):
    client.force_login(leader)
    save(client, query="period=4w&pod=&tier=premium&am=")
    assert SavedView.objects.get().query == "period=4w&tier=premium"


def test_a_filter_change_updates_the_count_and_the_csv_link_above_the_table(client, leader, am):
    from clients.tests.factories import ClientFactory, TierFactory

    premium = TierFactory(code="premium", name="Premium", is_premium=True)
    ClientFactory.create_batch(2, account_manager=am, tier=premium)
    ClientFactory.create_batch(3, account_manager=am)
    client.force_login(leader)
    body = client.get(
        "/clients/", {"tier": "premium"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="client-table"
    ).content.decode()
    assert 'id="client-list-header" hx-swap-oob="true"' in body
    assert "2 clients match" in body and "tier=premium" in body.split("Export CSV")[0].rsplit("href=", 1)[1]
