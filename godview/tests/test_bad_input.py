"""Addresses that once answered 500: each now answers a clear 4xx, or the page it should."""

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import WeeklyGoal, rebuild_goal_weeks
from clients.tests.factories import ClientFactory, WeeklyGoalFactory
from core.weeks import today, week_deadline, week_start

pytestmark = pytest.mark.django_db


def last_week() -> dt.date:
    return week_start(today()) - dt.timedelta(weeks=1)


@pytest.fixture
def goals(am) -> dict[str, WeeklyGoal]:
    """Last week: one goal done in time, one done late, one left open, one cancelled."""
    acme = ClientFactory(account_manager=am, name="Acme")
    monday = last_week()
    deadline = week_deadline(monday)
    made = {
        "hit": WeeklyGoalFactory(client=acme, title="Hit", week_start=monday),
        "late": WeeklyGoalFactory(client=acme, title="Late", week_start=monday),
        "open": WeeklyGoalFactory(client=acme, title="Open", week_start=monday),
    }
    WeeklyGoal.objects.filter(pk=made["hit"].pk).update(status="done", done_at=deadline - dt.timedelta(days=1))
    WeeklyGoal.objects.filter(pk=made["late"].pk).update(status="done", done_at=deadline + dt.timedelta(days=1))
    WeeklyGoalFactory(client=acme, title="Cancelled", week_start=monday, status="cancelled", cancel_reason="Dropped")
    rebuild_goal_weeks()  # the updates above skip WeeklyGoal.save
    return made


@pytest.mark.parametrize("role", ["leader", "pod_lead", "am", "other_am", "designer", "admin"])
def test_the_missed_goals_list_answers_every_role(client, personas, goals, role):
    client.force_login(personas[role])
    assert client.get("/goals/?missed=1").status_code == 200
    assert client.get("/goals/?missed=1&format=csv").status_code == 200


def test_the_missed_goals_list_shows_the_late_and_the_open_goal_only(client, am, goals):
    client.force_login(am)
    page = client.get("/goals/?missed=1").content.decode()
    assert "Late" in page and "Open" in page
    assert "Hit" not in page and "Cancelled" not in page
    everything = client.get("/goals/").content.decode()
    assert "Hit" in everything


@pytest.mark.parametrize("value", ["%00", "x%00", "no_such_rule"])
def test_a_nul_or_unknown_warning_filter_is_a_clear_400(client, leader, value):
    client.force_login(leader)
    response = client.get(f"/clients/?warning={value}")
    assert response.status_code == 400


def test_an_unknown_warning_filter_says_which_rules_exist(client, leader):
    client.force_login(leader)
    body = client.get("/clients/?warning=no_such_rule").content.decode()
    assert "warning must be one of" in body and "stale_contact" in body


def test_a_known_warning_filter_still_lists_its_clients(client, leader):
    client.force_login(leader)
    assert client.get("/clients/?warning=stale_contact").status_code == 200


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "9999-12-27", "1999-12-31", "2101-01-01"])
def test_a_week_outside_the_supported_years_is_a_clear_400(client, am, week):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    for url in [reverse("my_week"), reverse("week_summary", kwargs={"pk": acme.pk})]:
        response = client.get(url, {"week": week})
        assert response.status_code == 400, url
        assert "week must be a date from 2000-01-01 to 2100-12-31" in response.content.decode()


def test_the_first_and_last_supported_weeks_still_open(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    for week in ["2000-01-01", "2100-12-31"]:
        assert client.get(reverse("my_week"), {"week": week}).status_code == 200
        assert client.get(reverse("week_summary", kwargs={"pk": acme.pk}), {"week": week}).status_code == 200


@pytest.mark.parametrize("next_url", ["/login/", "/login", "/login/?next=/login/", "http://testserver/login/"])
def test_a_signed_in_user_sent_back_to_the_login_page_lands_on_the_god_view(client, am, next_url):
    client.force_login(am)
    response = client.get("/login/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_signed_in_user_with_another_next_still_goes_there(client, am):
    client.force_login(am)
    response = client.get("/login/", {"next": "/my/week/"})
    assert response["Location"] == "/my/week/"


def test_admin_adds_no_goal_at_all_not_even_in_a_week_whose_sunday_no_date_can_hold(client, admin_user, am):
    """Goals are history (DESIGN, the Admin row): admin only looks at them, so week 9999-12-27 is a 403."""
    acme = ClientFactory(account_manager=am)
    client.force_login(admin_user)
    data = {
        "client": acme.pk,
        "owner": am.pk,
        "title": "Far future",
        "week_start": "9999-12-27",
        "shared_with_client": "on",
        "waiting_on_client_hours": "0",
    }
    assert client.post(reverse("admin:clients_weeklygoal_add"), data).status_code == 403
    assert (
        client.post(reverse("admin:clients_weeklygoal_add"), data | {"week_start": last_week().isoformat()}).status_code
        == 403
    )
    assert not WeeklyGoal.objects.filter(title="Far future").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/autocomplete/?term=%00&app_label=clients&model_name=weeklygoal&field_name=client",
        "/admin/clients/client/?q=%00",
        "/clients/?sort=%00",
        "/?period=4w&%00=1",
    ],
)
def test_a_nul_anywhere_in_the_query_is_a_clear_400_admin_included(client, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def registered_admins() -> list[tuple[str, object]]:
    from django.contrib import admin

    return [
        (reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), model_admin)
        for model, model_admin in admin.site._registry.items()
    ]


def test_every_admin_date_hierarchy_refuses_a_drill_down_past_year_9999_without_a_500(client, admin_user):
    client.force_login(admin_user)
    client.raise_request_exception = False
    checked = 0
    for url, model_admin in registered_admins():
        field = model_admin.date_hierarchy
        if not field:
            continue
        for query in [{"year": 9999}, {"year": 9999, "month": 12}, {"year": 9999, "month": 12, "day": 31}]:
            response = client.get(url, {f"{field}__{part}": value for part, value in query.items()})
            assert response.status_code < 500, f"{url} {query}"
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("param", ["q", "p", "o", "all"])
def test_every_admin_changelist_takes_extreme_search_page_and_order_values(client, admin_user, param):
    client.force_login(admin_user)
    client.raise_request_exception = False
    for url, _model_admin in registered_admins():
        for value in ["99999999999999999999", "-1", "", "x" * 3000, "ᚠ𝔘 مرحبا Привет 🎉", "9999-12-31"]:
            assert client.get(url, {param: value}).status_code < 500, f"{url}?{param}={value[:20]}"
