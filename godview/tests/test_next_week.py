"""Issue 20, item 2: /next-week/ for pods and AMs: goals planned and tasks due next week, clients
with no goal planned, objectives that must move next week to stay on pace; CSV; scope."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from core.weeks import today, week_start
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(am, other_am):
    on = today()
    monday = week_start(on) + dt.timedelta(weeks=1)
    planned, unplanned, theirs = (
        ClientFactory(name="Planned", account_manager=am),
        ClientFactory(name="Unplanned", account_manager=am, mrr=Decimal("9000")),
        ClientFactory(name="Theirs", account_manager=other_am),
    )
    goal = WeeklyGoalFactory(client=planned, week_start=monday, title="Launch the landing page")
    WeeklyGoalFactory(client=unplanned, week_start=week_start(on), title="This week only")
    WeeklyGoalFactory(  # cancelled in time: not planned work any more
        client=unplanned, week_start=monday, title="Dropped", status="cancelled", cancel_reason="Client paused"
    )
    WeeklyGoalFactory(client=theirs, week_start=monday)
    due = TaskFactory(client=planned, name="Write the copy", due_on=monday + dt.timedelta(days=2))
    TaskFactory(client=planned, name="Done already", due_on=monday, completed_at=timezone.now())
    TaskFactory(client=planned, name="Deleted", due_on=monday, deleted_at=timezone.now())
    TaskFactory(client=planned, name="The week after", due_on=monday + dt.timedelta(days=7))
    TaskFactory(client=theirs, name="Not mine", due_on=monday + dt.timedelta(days=1))
    # 100 → 200 over 100 days from 50 days ago: next Sunday is 50 + (days to it) days in.
    start = on - dt.timedelta(days=50)
    sunday = monday + dt.timedelta(days=6)
    elapsed = (sunday - start).days / 100 * 100
    lagging = ObjectiveFactory(
        client=planned,
        baseline=Decimal(100),
        target=Decimal(200),
        current_value=Decimal(100) + Decimal(str(elapsed - 26)).quantize(Decimal("0.01")),  # 26 points short then
        start_date=start,
        due_date=start + dt.timedelta(days=100),
    )
    ObjectiveFactory(  # 24 points short next Sunday: still on pace, need not move
        client=planned,
        baseline=Decimal(100),
        target=Decimal(200),
        current_value=Decimal(100) + Decimal(str(elapsed - 24)).quantize(Decimal("0.01")),
        start_date=start,
        due_date=start + dt.timedelta(days=100),
    )
    return {"monday": monday, "goal": goal, "task": due, "lagging": lagging, "unplanned": unplanned, "elapsed": elapsed}


def test_next_week_lists_each_part_of_the_pod_meeting(client, am, week):
    client.force_login(am)
    page = client.get("/next-week/")
    assert dict((key, n) for key, _label, n in page.context["tabs"]) == {
        "goals": 1,
        "tasks": 1,
        "clients": 1,
        "objectives": 1,
    }
    assert [g.pk for g in page.context["page"].object_list] == [week["goal"].pk]
    assert [t.pk for t in client.get("/next-week/?show=tasks").context["page"].object_list] == [week["task"].pk]
    unplanned = client.get("/next-week/?show=clients").context["page"].object_list
    assert [c.pk for c in unplanned] == [week["unplanned"].pk]
    moving = client.get("/next-week/?show=objectives").context["page"].object_list
    assert [r.objective.pk for r in moving] == [week["lagging"].pk]
    # It needs (elapsed − 25)% of the way by Sunday; it has (elapsed − 26)%: one point (1.00) to go.
    row = moving[0]
    assert row.needed == Decimal(100) + Decimal(str(max(0.0, week["elapsed"] - 25))) and row.to_go.quantize(
        Decimal("0.01")
    ) == Decimal("1.00")


def test_each_table_exports_csv(client, am, week):
    client.force_login(am)
    body = b"".join(client.get("/next-week/?show=objectives&format=csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["client", "account manager", "objective"] and len(rows) == 2
    assert rows[1][6] == "1.00"  # to go
    tasks = list(
        csv.reader(
            io.StringIO(b"".join(client.get("/next-week/?show=tasks&format=csv").streaming_content).decode("utf-8-sig"))
        )
    )
    assert [r[2] for r in tasks[1:]] == ["Write the copy"]


def test_leadership_sees_every_pod_and_narrows_to_one(client, leader, other_am, week):
    client.force_login(leader)
    everyone = dict((k, n) for k, _l, n in client.get("/next-week/").context["tabs"])
    assert everyone["goals"] == 2 and everyone["tasks"] == 2
    theirs = dict((k, n) for k, _l, n in client.get("/next-week/", {"pod": other_am.pod_id}).context["tabs"])
    assert theirs == {"goals": 1, "tasks": 1, "clients": 0, "objectives": 0}


def test_a_pod_or_person_outside_the_scope_is_404(client, pod_lead, other_am, week):
    client.force_login(pod_lead)
    assert client.get("/next-week/", {"pod": other_am.pod_id}).status_code == 404
    assert client.get("/next-week/", {"am": other_am.pk}).status_code == 404
    assert client.get("/next-week/", {"show": "nonsense"}).status_code == 400
    assert client.get("/next-week/", {"tier": "gold"}).status_code == 400


def test_the_page_swaps_its_table_for_htmx(client, am, week):
    client.force_login(am)
    response = client.get("/next-week/?show=tasks", headers={"HX-Request": "true", "HX-Target": "next-week-table"})
    assert b'id="next-week-table"' in response.content and b"<html" not in response.content


@pytest.mark.parametrize("extra", [0, 6])
def test_next_week_costs_the_same_queries_at_any_size(client, am, week, extra, django_assert_num_queries):
    for _n in range(extra):
        other = ClientFactory(account_manager=am)
        WeeklyGoalFactory(client=other, week_start=week["monday"])
        TaskFactory(client=other, due_on=week["monday"])
    client.force_login(am)
    client.get("/next-week/?show=tasks")
    # Session, user; the tier choices; three counts (goals, tasks, clients) and the objectives
    # (threshold as a subquery); the page of tasks with client, assignee and source; the pod
    # (none for an AM: no query), the top bar's open actions.
    with django_assert_num_queries(9):
        client.get("/next-week/?show=tasks")
