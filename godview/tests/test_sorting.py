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


# --- the lists sorted since: Python-computed rows (core.sorting.sorted_rows) and the rest ----------

HX = {"HTTP_HX_REQUEST": "true"}


def days_ago(n: int) -> dt.date:
    from core.weeks import today

    return today() - dt.timedelta(days=n)


def test_sorted_rows_puts_empty_values_last_either_way_and_keeps_ties_in_their_order():
    from core.params import BadParameter
    from core.sorting import sorted_rows

    rows = [("a", 2), ("b", None), ("c", 1), ("d", 2)]
    columns = {"n": (lambda r: r[1], True), "name": (lambda r: r[0], False)}
    sort, most = sorted_rows({}, columns, "n", rows)
    assert [r[0] for r in most] == ["a", "d", "c", "b"] and sort.descending and sort.current == "n"
    sort, least = sorted_rows({"sort": "-n"}, columns, "n", rows)
    assert [r[0] for r in least] == ["c", "a", "d", "b"] and not sort.descending
    assert [r[0] for r in sorted_rows({}, columns, "", rows)[1]] == ["a", "b", "c", "d"]  # their own order
    with pytest.raises(BadParameter, match="sort must be one of: n, name"):
        sorted_rows({"sort": "password"}, columns, "n", rows)


def test_the_retention_rows_sort_by_mrr_then_and_now_and_keep_the_filters(client, leader, clients):
    from clients.tests.factories import RevenueEventFactory

    for c in clients:
        RevenueEventFactory(client=c, amount=c.mrr, occurred_on=days_ago(400))
    RevenueEventFactory(client=clients[2], kind="expansion", amount=Decimal(5000), occurred_on=days_ago(30))
    RevenueEventFactory(client=clients[1], kind="contraction", amount=Decimal(1000), occurred_on=days_ago(30))
    client.force_login(leader)
    assert names(client.get("/retention/").content.decode()) == ["Alder", "Birch", "Cedar"]  # the biggest loss first
    assert names(client.get("/retention/", {"sort": "now"}).content.decode()) == ["Alder", "Cedar", "Birch"]
    assert names(client.get("/retention/", {"sort": "-then"}).content.decode()) == ["Cedar", "Birch", "Alder"]
    body = client.get("/retention/", {"period": "12w", "sort": "then"}, HTTP_HX_TARGET="retention-table", **HX)
    body = body.content.decode()
    then = re.search(r'<th scope="col" class="num" aria-sort="descending"><a class="sort" href="([^"]+)"', body)
    assert "<html" not in body and then and "sort=-then" in then.group(1) and "period=12w" in then.group(1)
    assert 'hx-target="#retention-table"' in body and 'id="list-head"' in body  # the head follows out of band


def test_next_weeks_tables_sort_each_by_its_own_columns(client, leader, clients):
    from core.weeks import today, week_start

    monday = week_start(today()) + dt.timedelta(weeks=1)
    for n, c in enumerate(clients):  # no goal planned: every one is in "clients"; Birch's objective due first
        ObjectiveFactory(client=c, baseline=Decimal(100), target=Decimal(200), current_value=Decimal(100),
                         start_date=days_ago(50), due_date=monday + dt.timedelta(days=60 + 10 * n))  # fmt: skip
    client.force_login(leader)
    assert names(client.get("/next-week/", {"show": "clients"}).content.decode()) == ["Alder", "Birch", "Cedar"]
    least = client.get("/next-week/", {"show": "clients", "sort": "-mrr"}).content.decode()
    assert names(least) == ["Cedar", "Birch", "Alder"] and "show=clients&amp;sort=-mrr&amp;format=csv" in least
    objectives = {"show": "objectives"}
    assert names(client.get("/next-week/", objectives).content.decode()) == ["Birch", "Alder", "Cedar"]
    assert names(client.get("/next-week/", objectives | {"sort": "client"}).content.decode()) == [
        "Alder",
        "Birch",
        "Cedar",
    ]
    assert names(client.get("/next-week/", objectives | {"sort": "-due"}).content.decode()) == [
        "Cedar",
        "Alder",
        "Birch",
    ]
    assert client.get("/next-week/", {"show": "goals", "sort": "mrr"}).status_code == 400  # not a goals column


def test_the_action_queue_sorts_by_client_and_by_priority(client, leader, clients):
    from clients.models import Action
    from core.weeks import today

    for c in clients:
        Action.objects.create(client=c, owner=c.account_manager, title="Call the main contact", due_on=today())
    client.force_login(leader)
    assert names(client.get("/actions/").content.decode()) == ["Alder", "Birch", "Cedar"]  # most MRR at stake
    assert names(client.get("/actions/", {"sort": "-priority"}).content.decode()) == ["Cedar", "Birch", "Alder"]
    body = client.get("/actions/", {"sort": "-client", "am": clients[0].account_manager_id}).content.decode()
    assert names(body) == ["Cedar", "Birch", "Alder"]
    th = re.search(r'<th scope="col" aria-sort="descending"><a class="sort" href="([^"]+)"', body)
    assert th and "sort=client" in th.group(1) and f"am={clients[0].account_manager_id}" in th.group(1)


def test_the_revenue_rows_sort_by_any_column_of_the_figure(client, leader, clients):
    from clients.tests.factories import RevenueEventFactory

    for c in clients:
        RevenueEventFactory(client=c, amount=c.mrr, occurred_on=days_ago(400))
    client.force_login(leader)
    assert names(client.get("/revenue/rows/", {"figure": "mrr"}).content.decode()) == ["Alder", "Birch", "Cedar"]
    most = client.get("/revenue/rows/", {"figure": "mrr", "sort": "mrr"}, HTTP_HX_TARGET="revenue-rows-table", **HX)
    assert names(most.content.decode()) == ["Alder", "Birch", "Cedar"] and "<html" not in most.content.decode()
    least = client.get("/revenue/rows/", {"figure": "nrr", "sort": "-then"}).content.decode()
    assert names(least) == ["Cedar", "Birch", "Alder"]
    assert names(client.get("/revenue/rows/", {"figure": "mrr", "sort": "-client"}).content.decode()) == [
        "Cedar",
        "Birch",
        "Alder",
    ]


@pytest.mark.parametrize("figure", ["mrr", "events", "nrr", "grr", "churn", "clv", "margin", "nps", "renewals",
                                    "pipeline", "funnel"])  # fmt: skip
def test_every_sortable_column_of_every_figure_sorts_both_ways(client, leader, clients, figure):
    from clients.models import Contract, Opportunity
    from clients.tests.factories import NPSResponseFactory, RevenueEventFactory, RiskAssessmentFactory
    from godview.revenue_rows import SORTS

    for n, c in enumerate(clients):  # something behind every figure; one renewal with no risk score
        RevenueEventFactory(client=c, amount=c.mrr, occurred_on=days_ago(400))
        RevenueEventFactory(client=c, kind="expansion", amount=Decimal(100 * n), occurred_on=days_ago(2))
        NPSResponseFactory(client=c, score=3 + 3 * n, responded_on=days_ago(2))
        Contract.objects.create(client=c, starts_on=days_ago(300), renews_on=days_ago(-20 - n), committed_mrr=c.mrr)
        Opportunity.objects.create(client=c, title=f"Upsell {n}", expected_mrr=Decimal(100 + n), stage="identified",
                                   owner=c.account_manager, identified_on=days_ago(10))  # fmt: skip
        if n:
            RiskAssessmentFactory(client=c, score=n)
    client.force_login(leader)
    keys, _default = SORTS[figure]
    month = days_ago(2).strftime("%Y-%m")  # the events and responses of two days ago (one month on the 1st too)
    extra = {"renewals": {"window": "30"}, "funnel": {"stage": "adopting"}}.get(figure, {"month": month})
    response = client.get("/revenue/rows/", {"figure": figure} | extra)
    assert response.status_code == 200 and len(response.context["headers"]) == len(keys)
    assert figure == "churn" or response.context["page"].object_list  # rows to sort (none churned)
    for key in filter(None, keys):
        for way in (key.lstrip("-"), "-" + key.lstrip("-")):
            assert client.get("/revenue/rows/", {"figure": figure, "sort": way} | extra).status_code == 200, way


def test_the_churned_clients_sort_by_lost_mrr_and_the_door_rows_by_mrr(client, leader, clients):
    for n, c in enumerate(clients):  # Birch churned last, then Alder, then Cedar
        c.churned_on, c.lifecycle_stage, c.churn_reason = days_ago(10 + 5 * n), "churned", "budget"
        c.save(update_fields=["churned_on", "lifecycle_stage", "churn_reason"])
    client.force_login(leader)
    assert names(client.get("/churn/").content.decode()) == ["Birch", "Alder", "Cedar"]
    assert names(client.get("/churn/", {"sort": "lost"}).content.decode()) == ["Alder", "Birch", "Cedar"]
    part = client.get("/churn/", {"sort": "-lost"}, HTTP_HX_TARGET="churned-clients", **HX).content.decode()
    assert "<html" not in part and names(part) == ["Cedar", "Birch", "Alder"] and "sort=-lost&amp;table" not in part
    lost = {"kind": "lost", "start": days_ago(60), "end": days_ago(0)}
    assert names(client.get("/revolving-door/rows/", lost).content.decode()) == ["Cedar", "Alder", "Birch"]
    assert names(client.get("/revolving-door/rows/", lost | {"sort": "mrr"}).content.decode()) == [
        "Alder",
        "Birch",
        "Cedar",
    ]


def test_the_capacity_tables_sort_apart_pods_and_people(client, leader, am, pod, other_pod):
    from accounts.tests.factories import UserFactory

    UserFactory(username="zed", first_name="Zed", last_name="Z", pod=pod, weekly_capacity=Decimal(10))
    UserFactory(username="bea", first_name="Bea", last_name="B", pod=other_pod, weekly_capacity=Decimal(20))
    am.first_name, am.weekly_capacity = "Amy", Decimal(30)
    am.save(update_fields=["first_name", "weekly_capacity"])
    client.force_login(leader)

    def pods(query: dict) -> list[str]:
        body = client.get("/capacity/", query, HTTP_HX_TARGET="pods-table", **HX).content.decode()
        assert "<html" not in body and 'id="people"' not in body
        return re.findall(r'<a href="/pods/\d+/">(Pod [AB])</a>', body)

    def people(query: dict) -> list[str]:
        body = client.get("/capacity/", query, HTTP_HX_TARGET="people", **HX).content.decode()
        return re.findall(r'<a href="/people/\d+/">(Amy|Bea|Zed)', body)

    assert pods({"pods_sort": "people"}) == ["Pod A", "Pod B"]
    assert pods({"pods_sort": "-people", "sort": "capacity"}) == ["Pod B", "Pod A"]
    assert people({}) == ["Amy", "Zed", "Bea"]  # by pod, then name
    assert people({"sort": "capacity", "pods_sort": "-people"}) == ["Amy", "Bea", "Zed"]
    assert people({"sort": "-capacity"}) == ["Zed", "Bea", "Amy"]
    body = client.get("/capacity/", {"pods_sort": "-name", "limit": "60"}).content.decode()
    th = re.search(r'aria-sort="descending"><a class="sort" href="([^"]+)"[^>]*hx-target="#pods-table"', body)
    assert th and "pods_sort=name" in th.group(1) and "limit=60" in th.group(1)
    assert client.get("/capacity/", {"pods_sort": "password"}).status_code == 400


def test_the_rows_behind_a_capacity_figure_sort(client, leader, am, pod):
    from tasks.tests.factories import TaskFactory

    for n, name in enumerate(("Birch", "Alder", "Cedar")):
        c = ClientFactory(name=name, account_manager=am)
        TaskFactory(client=c, assignee=am, name=f"Task {name}", due_on=days_ago(-1 - n))
    client.force_login(leader)
    tasks = {"kind": "load", "pod": pod.pk}
    body = client.get("/capacity/rows/", tasks).content.decode()
    assert re.findall(r"Task (\w+)", body) == ["Birch", "Alder", "Cedar"]
    body = client.get("/capacity/rows/", tasks | {"sort": "-task"}, HTTP_HX_TARGET="capacity-rows", **HX)
    assert re.findall(r"Task (\w+)", body.content.decode()) == ["Cedar", "Birch", "Alder"]


def test_the_voice_rows_sort_by_client_and_newest_first_by_default(client, leader, clients):
    from clients.tests.factories import ContactFactory

    for n, c in enumerate(clients):  # Birch said it first
        ContactFactory(client=c, sentiment="negative", problem="missed_deliverables", contacted_on=days_ago(9 - n))
    client.force_login(leader)
    rows = {"problem": "missed_deliverables"}
    assert names(client.get("/voice/", rows).content.decode()) == ["Cedar", "Alder", "Birch"]
    assert names(client.get("/voice/", rows | {"sort": "-date"}).content.decode()) == ["Birch", "Alder", "Cedar"]
    part = client.get("/voice/", rows | {"sort": "client"}, HTTP_HX_TARGET="voice-rows", **HX).content.decode()
    assert "<html" not in part and names(part) == ["Alder", "Birch", "Cedar"]


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/retention/", {}),
        ("/next-week/", {}),
        ("/next-week/", {"show": "tasks"}),
        ("/next-week/", {"show": "clients"}),
        ("/next-week/", {"show": "objectives"}),
        ("/actions/", {}),
        ("/revenue/rows/", {"figure": "mrr"}),
        ("/revenue/rows/", {"figure": "churn"}),
        ("/churn/", {}),
        ("/revolving-door/rows/", {"kind": "new"}),
        ("/revolving-door/rows/", {"kind": "mrr_lost"}),
        ("/capacity/", {}),
        ("/capacity/rows/", {"kind": "hours"}),
        ("/capacity/rows/", {"kind": "signed"}),
        ("/voice/", {"problem": "missed_deliverables"}),
    ],
)
def test_an_unknown_column_of_the_newer_lists_is_a_400(client, leader, path, extra):
    client.force_login(leader)
    assert client.get(path, extra | {"sort": "password"}).status_code == 400


def test_the_leaderboards_sort_in_their_widget_and_leave_the_pages_address_alone(client, leader, am, other_am, clients):
    from django.core.cache import cache

    cache.clear()
    for person, first in ((am, "Amy"), (other_am, "Bob")):
        person.first_name, person.last_name = first, "Test"
        person.save(update_fields=["first_name", "last_name"])
    ClientFactory(name="Dogwood", account_manager=other_am, mrr=Decimal(20000))
    client.force_login(leader)

    def board(query: dict) -> tuple[list[str], str]:
        body = client.get("/widgets/people/", query, **HX).content.decode()
        return re.findall(r">(Amy|Bob) Test</a>", body), body

    assert board({"sort": "mrr"})[0] == ["Bob", "Amy"]  # 20,000 against 13,000
    assert board({"sort": "-mrr"})[0] == ["Amy", "Bob"]
    order, body = board({"sort": "name", "period": "12w"})
    assert order == ["Amy", "Bob"] and "hx-push-url" not in body
    th = re.search(r'<th scope="col" aria-sort="ascending"><a class="sort" href="([^"]+)" hx-get="[^"]+" '
                   r'hx-target="#people"', body)  # fmt: skip
    assert th and th.group(1).startswith("/widgets/people/?") and "sort=-name" in th.group(1)
    assert "period=12w" in th.group(1) and "sort=name&amp;format=csv" in body
    assert client.get("/widgets/people/", {"sort": "password"}).status_code == 400


@pytest.mark.parametrize(("path", "sort"), [("/goals/", "client"), ("/tasks/?kind=overdue", "task"),
                                            ("/objectives/", "client")])  # fmt: skip
def test_the_next_page_keeps_the_sort(client, leader, am, path, sort):
    from core.weeks import today, week_start
    from tasks.tests.factories import TaskFactory

    target = ClientFactory(account_manager=am)
    for n in range(51):  # one more than a page
        WeeklyGoalFactory(client=target, week_start=week_start(today()) - dt.timedelta(weeks=1))
        TaskFactory(client=target, due_on=today() - dt.timedelta(days=1 + n % 5), name=f"Task {n}")
        ObjectiveFactory(client=target, due_date=today() + dt.timedelta(days=10 + n))
    client.force_login(leader)
    body = client.get(path + ("&" if "?" in path else "?") + f"sort=-{sort}").content.decode()
    following = re.search(r'<a class="button button-small" href="\?([^"]+)" rel="next"', body)
    assert following, path
    assert f"sort=-{sort}" in following.group(1).replace("&amp;", "&") and "page=2" in following.group(1)
