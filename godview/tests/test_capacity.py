"""`/capacity/`: utilisation, load, clients and MRR per pod and person, the projection with the
clients signed to start and the hiring need, each against a fixture computed by hand; the
what-if parameters (and clear 400s for bad ones); scope; CSV; pinned and flat query counts."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from clients.tests.factories import ClientFactory
from core.weeks import agency_tz, today, week_start
from godview import capacity
from godview.capacity import PodCapacity, Signed, hires_needed
from godview.rollup import nightly_rollup
from tasks.tests.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_hires_needed_is_the_fewest_people_that_keep_the_pod_under_the_limit():
    assert hires_needed(D(85), D(100), D("0.85"), D(32)) == 0  # exactly at the limit
    assert hires_needed(D(100), D(100), D("0.85"), D(32)) == 1  # 100/0.85 = 117.6: 17.6 h short
    assert hires_needed(D(200), D(100), D("0.85"), D(32)) == 5  # 235.3 - 100 = 135.3 h: 4.2 people
    assert hires_needed(D(10), D(0), D("0.85"), D(32)) == 1  # nobody yet: 11.8 h


def test_the_projection_adds_each_signed_client_from_its_start():
    on = dt.date(2026, 1, 5)
    pod = PodCapacity(1, "Pod A", people=4, capacity=D(128), weekly_hours=[D(80), D(90), D(100), D(90)], clients=18)
    pod.signed = [
        Signed(1, "x", on + dt.timedelta(days=10), 1, D(1)),
        Signed(2, "y", on + dt.timedelta(days=40), 1, D(1)),
        Signed(3, "z", on + dt.timedelta(days=100), 1, D(1)),  # beyond the 90 days
    ]
    capacity.project(pod, on, D("0.75"), D(32))
    # 90 h a week, 5 h per client (90 / 18): 90, 95, 100, then 100 at the horizon's end.
    assert [(p.day - on).days for p in pod.points] == [0, 10, 40, 90]
    assert [p.hours for p in pod.points] == [D(90), D(95), D(100), D(100)]
    assert pod.utilisation == D(90) / D(128)
    assert pod.over_on == on + dt.timedelta(days=40)  # 100 / 128 = 78% > 75%; 95 / 128 = 74%
    assert not pod.over_now
    assert pod.hires == 1  # 100 / 0.75 = 133.3 h: 5.3 short
    pod.hours_per_client_override = D(0)
    capacity.project(pod, on, D("0.75"), D(32))
    assert (pod.over_on, pod.hires) == (None, 0)


def at_week(weeks_back: int, day: int = 1) -> dt.datetime:
    monday = week_start(today()) - dt.timedelta(weeks=weeks_back)
    return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(10), tzinfo=agency_tz())


@pytest.fixture
def world(pod, other_pod, pod_lead, am, designer, other_am):
    """By hand, the last four complete weeks:
    Pod A: am 32 h capacity logs 30 h every week (120); designer 28 h logs 10 h in two weeks (20);
      pod_lead 20 h logs nothing. Hours/week (120 + 20) / 4 = 35; capacity 80: 43.75%.
      am's clients served: 2 at 5,000 (an onboarding one signed for in 30 days does not count);
      hours per client 35 / 2 = 17.5. Load: one open task due in 3 days (not: due in 20, done,
      deleted, overdue). Signed: one, in 30 days: at the horizon 52.5 h, 65.6%.
    Pod B: other_am 32 h logs 40 h in one week: 10 h/week, 31.25%, one client, no signed.
    Time logged this week (not complete) and five weeks ago is not counted. Then the nightly run:
    the page reads its weekly hours and loads, and it catches the hours logged today for past
    weeks (late data) by itself."""
    for user, cap in ((am, 32), (designer, 28), (pod_lead, 20), (other_am, 32)):
        user.weekly_capacity = D(cap)
        user.save(update_fields=["weekly_capacity"])
    c1 = ClientFactory(name="One", account_manager=am, mrr=D(5000))
    ClientFactory(name="Two", account_manager=am, mrr=D(5000))
    signed = ClientFactory(
        name="Signed", account_manager=am, mrr=D(4000), lifecycle_stage="onboarding",
        started_on=today() + dt.timedelta(days=30),
    )  # fmt: skip
    ClientFactory(name="Later", account_manager=am, started_on=today() + dt.timedelta(days=120))
    b1 = ClientFactory(name="Bee", account_manager=other_am, mrr=D(3000))
    for weeks_back in (1, 2, 3, 4):
        TimeEntryFactory(client=c1, user=am, hours=D(30), started_at=at_week(weeks_back))
    TimeEntryFactory(client=c1, user=designer, hours=D(10), started_at=at_week(1, 2))
    TimeEntryFactory(client=c1, user=designer, hours=D(10), started_at=at_week(3, 4))
    TimeEntryFactory(client=c1, user=am, hours=D(99), started_at=at_week(5))
    TimeEntryFactory(client=c1, user=am, hours=D(99), started_at=timezone.now())
    TimeEntryFactory(client=b1, user=other_am, hours=D(40), started_at=at_week(2))
    soon = today() + dt.timedelta(days=3)
    TaskFactory(client=c1, assignee=am, due_on=soon)
    TaskFactory(client=c1, assignee=am, due_on=today() + dt.timedelta(days=20))
    TaskFactory(client=c1, assignee=am, due_on=soon, completed_at=timezone.now())
    TaskFactory(client=c1, assignee=am, due_on=soon, deleted_at=timezone.now())
    TaskFactory(client=c1, assignee=am, due_on=today() - dt.timedelta(days=1))
    nightly_rollup()
    return {"signed": signed}


def pods_csv(client, **query) -> dict[str, dict]:
    response = client.get("/capacity/export.csv", query)
    assert response.status_code == 200
    return {r["pod"]: r for r in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))}


def test_the_pod_figures_match_the_hand_computed_fixture(client, leader, world):
    client.force_login(leader)
    pods = pods_csv(client)
    a, b = pods["Pod A"], pods["Pod B"]
    assert (a["people"], a["capacity h/week"], a["hours/week"], a["utilisation"]) == ("3", "80.0", "35.00", "0.4375")
    assert (a["load"], a["clients"], a["mrr"], a["hours per client (assumed)"]) == ("1", "2", "10000.00", "17.50")
    assert (a["signed to start"], a["peak hours/week"], a["peak utilisation"]) == ("1", "52.50", "0.6563")
    assert (a["over capacity from"], a["hires needed"]) == ("", "0")
    assert (b["hours/week"], b["utilisation"], b["clients"], b["signed to start"]) == ("10.00", "0.3125", "1", "0")


def test_the_limit_in_the_url_is_a_what_if(client, leader, world):
    client.force_login(leader)
    a = pods_csv(client, limit="60")["Pod A"]
    # Over 60% once the signed client starts: 52.5 / 80 = 65.6%; 52.5 / 0.6 = 87.5 h: 7.5 short.
    assert (a["over capacity from"], a["hires needed"]) == (str(world["signed"].started_on), "1")
    a = pods_csv(client, limit="60", new_capacity="5")["Pod A"]
    assert a["hires needed"] == "2"  # 7.5 h in people of 5 h
    page = client.get("/capacity/", {"limit": "60"})
    assert page.context["hiring"].hires == 1
    assert page.context["hiring"].first.name == "Pod A"
    assert "limit=60" in page.context["query"]


def test_hours_per_client_per_pod_are_editable(client, leader, world, pod):
    client.force_login(leader)
    a = pods_csv(client, **{f"hpc_{pod.pk}": "40"})["Pod A"]
    # 35 + 40 = 75 h: 93.75% > 85%; 75 / 0.85 = 88.2 h: 8.2 short.
    assert (a["hours per client (assumed)"], a["peak hours/week"], a["hires needed"]) == ("40.00", "75.00", "1")


def test_the_people_figures_match_the_fixture(client, leader, world, am, designer, pod_lead):
    client.force_login(leader)
    page = client.get("/capacity/")
    rows = {r.person.username: r for r in page.context["people"]}
    assert rows["am"].weekly_hours == [D(30)] * 4
    assert (rows["am"].hours, rows["am"].utilisation) == (D(30), D(30) / D(32))
    assert (rows["am"].clients, rows["am"].mrr, rows["am"].load) == (2, D(10000), 1)
    assert rows["designer"].hours == D(5) and rows["designer"].clients == 0
    assert rows["podlead"].hours == 0
    hours = client.get("/capacity/rows/", {"kind": "hours", "person": am.pk}).context["page"]
    assert sum(e.hours for e in hours.object_list) == D(120)  # the figure's 30 × 4 weeks
    load = client.get("/capacity/rows/", {"kind": "load", "person": am.pk}).context["page"]
    assert load.paginator.count == 1
    signed = client.get("/capacity/rows/", {"kind": "signed"}).context["page"]
    assert [c.name for c in signed.object_list] == ["Signed"]


def test_a_pod_lead_sees_their_pod_and_another_pod_is_404(client, pod_lead, world, other_pod, pod):
    client.force_login(pod_lead)
    page = client.get("/capacity/")
    assert [p.name for p in page.context["hiring"].pods] == ["Pod A"]
    assert {r.person.username for r in page.context["people"]} == {"am", "designer", "podlead"}
    for query in ({"pod": other_pod.pk}, {f"hpc_{other_pod.pk}": "3"}):
        assert client.get("/capacity/", query).status_code == 404
        assert client.get("/capacity/export.csv", query).status_code == 404
    assert client.get("/capacity/rows/", {"kind": "hours", "pod": other_pod.pk}).status_code == 404
    outsider = UserFactory(username="elsewhere", pod=other_pod)
    assert client.get("/capacity/rows/", {"kind": "hours", "person": outsider.pk}).status_code == 404


@pytest.mark.parametrize("url", ["/capacity/", "/capacity/export.csv", "/capacity/rows/"])
@pytest.mark.parametrize("persona", ["am", "designer"])
def test_account_managers_and_designers_get_404(client, personas, url, persona):
    client.force_login(personas[persona])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"limit": "abc"}, "limit must be a number from 5 to 200"),
        ({"limit": "0"}, "limit must be a number from 5 to 200"),
        ({"limit": "NaN"}, "limit must be a number from 5 to 200"),
        ({"limit": "1e999"}, "limit must be a number from 5 to 200"),
        ({"new_capacity": "0"}, "new_capacity must be a number from 1 to 80"),
        ({"hpc_x": "3"}, "must be a pod"),
        ({"pod": "first"}, "pod must be a pod"),
    ],
)
def test_bad_what_if_values_are_a_clear_400(client, leader, pod, query, says):
    client.force_login(leader)
    response = client.get("/capacity/", query)
    assert response.status_code == 400
    assert says in response.content.decode()


def test_a_negative_hours_per_client_is_a_400(client, leader, pod):
    client.force_login(leader)
    response = client.get("/capacity/", {f"hpc_{pod.pk}": "-1"})
    assert response.status_code == 400
    assert f"hpc_{pod.pk} must be a number from 0 to 200" in response.content.decode()


def more_people(pod, n: int) -> None:
    for i in range(n):
        person = UserFactory(username=f"extra{i}", pod=pod)
        c = ClientFactory(account_manager=person)
        TimeEntryFactory(client=c, user=person, hours=D(7), started_at=at_week(1 + i % 4))
        TaskFactory(client=c, assignee=person, due_on=today() + dt.timedelta(days=2))
    nightly_rollup()


def test_the_capacity_page_costs_the_same_queries_at_two_sizes(client, leader, world, pod, django_assert_num_queries):
    # Session and user; the pods; signed clients; the people (all of them: they sort by their
    # figures, and the pods sum them); per person: hours, clients, load (the rollup's weeks and
    # loads); per pod: clients; the loads' day; the top bar's open actions.
    client.force_login(leader)
    with django_assert_num_queries(11):
        assert client.get("/capacity/").status_code == 200
    more_people(pod, 12)
    with django_assert_num_queries(11):
        response = client.get("/capacity/")
    assert response.context["page"].paginator.count == 16


@pytest.mark.parametrize("kind", ["hours", "load", "signed"])
def test_the_rows_behind_a_figure_cost_the_same_queries_at_two_sizes(
    client, leader, world, pod, kind, django_assert_num_queries
):
    # Session and user; the pods; the count and the page of rows; the top bar's open actions; for
    # the load, the day its window starts (the stored loads').
    client.force_login(leader)
    queries = 6 + (kind == "load")
    with django_assert_num_queries(queries):
        assert client.get("/capacity/rows/", {"kind": kind, "pod": pod.pk}).status_code == 200
    more_people(pod, 8)
    with django_assert_num_queries(queries):
        assert client.get("/capacity/rows/", {"kind": kind, "pod": pod.pk}).status_code == 200


def test_the_chart_draws_the_pods_nearest_their_limit_and_says_how_many_it_leaves_out(client, leader, monkeypatch):
    from accounts.tests.factories import PodFactory
    from godview import capacity_views

    monkeypatch.setattr(capacity_views, "CHART_PODS", 2)
    for i, hours in enumerate((10, 30, 20)):  # against 40 h of capacity each: 25%, 75%, 50%
        pod = PodFactory(name=f"Pod {i}")
        person = UserFactory(username=f"p{i}", pod=pod, weekly_capacity=D(40))
        c = ClientFactory(account_manager=person)
        for week in range(1, 5):
            TimeEntryFactory(client=c, user=person, hours=D(hours), started_at=at_week(week))
    nightly_rollup()
    client.force_login(leader)
    response = client.get("/capacity/")
    lines = [trace["name"] for trace in response.context["chart"]["data"][:-1]]  # the last: the limit
    assert lines == ["Pod 1", "Pod 2"]  # the two highest, highest first
    assert "The 2 pods with the highest projected utilisation, of 3" in response.content.decode()
    assert [p.name for p in response.context["pod_rows"]].count("Pod 0") == 1  # the table keeps every pod


def test_the_pods_table_pages_and_keeps_every_pods_hours_per_client(client, leader, monkeypatch):
    """200 pods are 200 rows: the table pages them (the hiring need and the CSV count them all), and
    an hours-per-client override typed on another page rides along as a hidden field."""
    from accounts.tests.factories import PodFactory
    from godview import capacity_views

    monkeypatch.setattr(capacity_views, "PODS_PAGE", 2)
    pods = [PodFactory(name=f"Pod {i}") for i in range(5)]
    for i, pod in enumerate(pods):
        person = UserFactory(username=f"p{i}", pod=pod, weekly_capacity=D(40))
        c = ClientFactory(account_manager=person)
        for week in range(1, 5):
            TimeEntryFactory(client=c, user=person, hours=D(10 + 5 * i), started_at=at_week(week))
    nightly_rollup()
    client.force_login(leader)
    first = client.get("/capacity/")
    shown = [p.name for p in first.context["pod_rows"]]
    assert shown == ["Pod 4", "Pod 3"]  # the highest projected utilisation first
    assert len(first.context["hiring"].pods) == 5 and "Pods 1–2 of 5" in first.content.decode()
    last = client.get(f"/capacity/?pods_page=3&hpc_{pods[4].pk}=3")
    assert [p.name for p in last.context["pod_rows"]] == ["Pod 0"]
    html = last.content.decode()
    assert f'type="hidden" name="hpc_{pods[4].pk}" value="3"' in html  # Pod 4's override, from page 1
    assert "pods_page=2#pods-table" in html  # the previous page keeps the assumptions and lands on the table
    assert len(pods_csv(client)) == 5


def test_the_hours_and_the_load_are_the_rollups_and_the_page_says_of_which_day(client, leader, world, am):
    """The page reads the nightly run's weeks of hours and loads: a task done since still counts
    until the next run (like the overdue stock), and says so; the rows behind it are live."""
    from tasks.models import Task

    client.force_login(leader)
    Task.objects.filter(assignee=am, due_on=today() + dt.timedelta(days=3), completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    TimeEntryFactory(client=world["signed"], user=am, hours=D(6), started_at=at_week(2))  # logged late
    page = client.get("/capacity/")
    row = next(r for r in page.context["people"] if r.person == am)
    assert (row.load, row.weekly_hours) == (1, [D(30)] * 4)
    assert f"Load: open tasks due in the 14 days from {today():%-d %b}, counted by that day" in page.content.decode()
    rows = client.get("/capacity/rows/", {"kind": "load", "person": am.pk})
    assert rows.context["page"].paginator.count == 0  # the same window, as it is now
    assert rows.context["load_from"] == today()
    nightly_rollup()
    row = next(r for r in client.get("/capacity/").context["people"] if r.person == am)
    assert (row.load, row.weekly_hours) == (0, [D(30), D(30), D(36), D(30)])


def test_the_weeks_of_hours_are_the_entries_summed_by_agency_week():
    """Each person's week, by hand: Sunday 23:30 and Monday 00:30 agency time fall in two weeks;
    an entry with no person is in no one's week; a week refreshed again is summed again."""
    from tasks.hours import refresh_person_weeks
    from tasks.models import WeeklyHours

    person, other = UserFactory(), UserFactory()
    monday = week_start(today()) - dt.timedelta(weeks=2)
    sunday_late = dt.datetime.combine(monday - dt.timedelta(days=1), dt.time(23, 30), tzinfo=agency_tz())
    monday_early = dt.datetime.combine(monday, dt.time(0, 30), tzinfo=agency_tz())
    TimeEntryFactory(user=person, hours=D("1.25"), started_at=sunday_late)
    TimeEntryFactory(user=person, hours=D(2), started_at=monday_early)
    TimeEntryFactory(user=person, hours=D(3), started_at=monday_early + dt.timedelta(days=6))
    TimeEntryFactory(user=other, hours=D(4), started_at=monday_early, client=None)
    TimeEntryFactory(user=None, hours=D(50), started_at=monday_early)
    assert refresh_person_weeks(monday - dt.timedelta(days=1), monday) == 3
    weeks = set(WeeklyHours.objects.values_list("user_id", "week_start", "hours"))
    assert weeks == {
        (person.pk, monday - dt.timedelta(weeks=1), D("1.25")),
        (person.pk, monday, D(5)),
        (other.pk, monday, D(4)),
    }
    TimeEntryFactory(user=other, hours=D(1), started_at=monday_early)
    refresh_person_weeks(monday, monday)
    assert WeeklyHours.objects.get(user=other, week_start=monday).hours == D(5)
    assert WeeklyHours.objects.count() == 3


def test_a_past_day_recomputed_keeps_the_later_loads(am):
    """The nightly run recomputes past days for late data: their loads must not replace today's."""
    from tasks.load import load_as_of, refresh_load
    from tasks.models import PersonLoad

    TaskFactory(assignee=am, due_on=today() + dt.timedelta(days=14))  # the window's last day
    TaskFactory(assignee=am, due_on=today() + dt.timedelta(days=15))
    TaskFactory(assignee=None, due_on=today())
    assert refresh_load(today()) == 1
    assert list(PersonLoad.objects.values_list("user_id", "as_of", "tasks")) == [(am.pk, today(), 1)]
    assert refresh_load(today() - dt.timedelta(days=3)) == 0
    assert load_as_of() == today()
