"""Sortable columns: a header link sorts its list (natural direction first, then the other way),
keeps the filters and the other parameters, drops the page; an unknown column is a 400."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(am):
    return [ClientFactory(name=name, account_manager=am, mrr=Decimal(mrr)) for name, mrr in
            (("Birch", 3000), ("Alder", 9000), ("Cedar", 1000))]  # fmt: skip


def names(body: str) -> list[str]:
    return [n for n in re.findall(r">(Alder|Birch|Cedar)</a>", body)]


def test_the_client_list_sorts_by_mrr_most_first_then_least_first(client, leader, clients):
    client.force_login(leader)
    assert names(client.get("/clients/").content.decode()) == ["Alder", "Birch", "Cedar"]
    assert names(client.get("/clients/", {"sort": "mrr"}).content.decode()) == ["Alder", "Birch", "Cedar"]
    assert names(client.get("/clients/", {"sort": "-mrr"}).content.decode()) == ["Cedar", "Birch", "Alder"]
    assert names(client.get("/clients/", {"sort": "-name"}).content.decode()) == ["Cedar", "Birch", "Alder"]


def test_a_header_link_flips_its_column_and_keeps_the_filters(client, leader, clients):
    client.force_login(leader)
    body = client.get("/clients/", {"period": "12w", "sort": "mrr", "page": "1"}).content.decode()
    mrr = re.search(r'<th scope="col" class="num" aria-sort="descending"><a class="sort" href="([^"]+)"', body)
    assert mrr and "sort=-mrr" in mrr.group(1) and "period=12w" in mrr.group(1) and "page=" not in mrr.group(1)
    name = re.search(r'<th scope="col" aria-sort="none"><a class="sort" href="([^"]+)"', body)
    assert name and "sort=name" in name.group(1)


@pytest.mark.parametrize("path", ["/clients/", "/goals/", "/tasks/", "/objectives/"])
def test_an_unknown_column_is_a_400(client, leader, path):
    client.force_login(leader)
    assert client.get(path, {"sort": "password"}).status_code == 400


def test_the_goal_list_sorts_by_client(client, leader, clients):
    for c in clients:
        WeeklyGoalFactory(client=c)
    client.force_login(leader)
    from core.weeks import today, week_start

    week = week_start(today()).isoformat()
    assert names(client.get("/goals/", {"week": week, "sort": "client"}).content.decode()) == [
        "Alder",
        "Birch",
        "Cedar",
    ]
    assert names(client.get("/goals/", {"week": week, "sort": "-client"}).content.decode()) == [
        "Cedar",
        "Birch",
        "Alder",
    ]


def test_the_objective_list_sorts_by_client_and_by_due_date(client, leader, clients):
    from core.weeks import today

    for n, c in enumerate(clients):  # Birch due first, then Alder, then Cedar
        ObjectiveFactory(client=c, due_date=today() + dt.timedelta(days=10 + 10 * n))
    client.force_login(leader)
    assert names(client.get("/objectives/", {"sort": "client"}).content.decode()) == ["Alder", "Birch", "Cedar"]
    assert names(client.get("/objectives/").content.decode()) == ["Birch", "Alder", "Cedar"]
    assert names(client.get("/objectives/", {"sort": "-due"}).content.decode()) == ["Cedar", "Alder", "Birch"]
