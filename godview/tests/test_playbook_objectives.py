"""Issue 20, item 1: objectives on pace / behind / achieved / missed for the agency, a pod and an
AM, beside the goal hit rate, the share of goals tied to an objective, and the early warning for a
client whose week serves no open objective. Every figure is counted by hand from the fixture."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from clients.models import Client, EarlyWarning, Objective
from clients.tests.factories import ClientFactory, ObjectiveFactory, WeeklyGoalFactory
from core.weeks import today, week_start
from godview import objectives as figures
from godview.forms import Filters
from godview.rollup import rollup_day

pytestmark = pytest.mark.django_db


def objective(client, current: str, start_days: int = -45, due_days: int = 45, **extra) -> Objective:
    on = today()
    return ObjectiveFactory(
        client=client,
        baseline=Decimal(100),
        target=Decimal(200),
        current_value=Decimal(current),
        start_date=on + dt.timedelta(days=start_days),
        due_date=on + dt.timedelta(days=due_days),
        **extra,
    )


@pytest.fixture
def agency(am, other_am):
    """45 of 90 days gone for the open ones, so on pace means at least 125 (25% of the way)."""
    mine, also_mine, theirs = (
        ClientFactory(name="Alpha", account_manager=am),
        ClientFactory(name="Beta", account_manager=am),
        ClientFactory(name="Gamma", account_manager=other_am),
    )
    rows = {
        "on_pace": objective(mine, "150"),  # 50% with 50% gone
        "behind": objective(mine, "110"),  # 10%: 40 points behind
        "achieved": objective(also_mine, "210"),
        "missed": objective(also_mine, "150", start_days=-100, due_days=-3),  # due inside the period, unreached
        "theirs": objective(theirs, "140"),  # 40%: 10 points behind, on pace
        # Not counted: due before the period began, and not started yet.
        "old": objective(theirs, "120", start_days=-150, due_days=-60),
        "future": objective(mine, "100", start_days=5, due_days=95),
    }
    last = week_start(today()) - dt.timedelta(weeks=1)
    for week, tied in ((last, rows["on_pace"]), (last, rows["behind"]), (last - dt.timedelta(weeks=1), None)):
        WeeklyGoalFactory(client=mine, week_start=week, objective=tied)
    return {"mine": mine, "also_mine": also_mine, "theirs": theirs, **rows}


def test_objectives_are_counted_by_state_for_the_agency_each_pod_and_each_am(agency, am, other_am):
    f = Filters()
    agency_counts = figures.counts_for(Client.objects.all(), f.start, f.today)
    assert (agency_counts.on_pace, agency_counts.behind, agency_counts.achieved, agency_counts.missed) == (2, 1, 1, 1)
    assert agency_counts.rate == pytest.approx(2 / 3)  # on pace ÷ open (on pace + behind)
    by_pod = figures.objective_counts(Client.objects.all(), f.start, f.today, "pod")
    assert (by_pod[am.pod_id].on_pace, by_pod[am.pod_id].behind, by_pod[am.pod_id].rate) == (1, 1, 0.5)
    assert (by_pod[other_am.pod_id].on_pace, by_pod[other_am.pod_id].rate) == (1, 1.0)
    by_am = figures.objective_counts(Client.objects.all(), f.start, f.today, "am")
    assert (by_am[am.pk].achieved, by_am[am.pk].missed, by_am[am.pk].total) == (1, 1, 4)
    missed = figures.filter_by_state(Client.objects.all(), "missed", f.start, f.today)
    assert list(missed.values_list("pk", flat=True)) == [agency["missed"].pk]


def test_a_stale_stored_status_does_not_hide_a_miss(agency):
    Objective.objects.filter(pk=agency["missed"].pk).update(status="on_track")  # never updated since its due date
    f = Filters()
    assert figures.counts_for(Client.objects.all(), f.start, f.today).missed == 1


def test_the_god_view_tile_shows_objectives_on_pace_beside_the_goal_figures(client, leader, agency):
    client.force_login(leader)
    kpis = {k.key: k for k in client.get("/").context["kpis"]}
    assert kpis["objectives"].lazy  # the page loads it (its query stays off the page's budget)
    tile = client.get("/objectives/tile/", headers={"HX-Request": "true"}).context["kpi"]
    assert tile.value == pytest.approx(2 / 3) and tile.note == "2/3"
    assert tile.parts == "1 behind · 1 achieved · 1 missed"
    assert tile.link == "/objectives/" and "trails the share of its time elapsed" in tile.definition
    keys = list(kpis)
    assert keys.index("objectives") == keys.index("goals_tied") + 1 == keys.index("goal_hit_rate") + 2
    # Goals tied: 2 of the 3 goals of the period serve an objective.
    assert kpis["goals_tied"].value == pytest.approx(2 / 3) and kpis["goals_tied"].note == "2/3"


def test_the_objectives_list_has_the_rows_behind_each_state_and_their_csv(client, leader, agency):
    client.force_login(leader)
    response = client.get("/objectives/", {"state": "behind"})
    assert [r.objective.pk for r in response.context["page"].object_list] == [agency["behind"].pk]
    assert response.context["counts"].total == 5
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get("/objectives/?format=csv").streaming_content).decode("utf-8-sig")))
    )
    states = sorted(row[-1] for row in rows[1:])
    assert states == ["achieved", "behind", "missed", "on_pace", "on_pace"]
    behind = next(row for row in rows[1:] if row[-1] == "behind")
    assert behind[9:11] == ["10.0", "50.0"]  # progress and time elapsed, %


def test_the_goals_list_filters_the_goals_tied_to_an_objective(client, leader, agency):
    client.force_login(leader)
    goals = client.get("/goals/", {"tied": "1"}).context["page"].object_list
    assert sorted(g.objective_id for g in goals) == sorted([agency["on_pace"].pk, agency["behind"].pk])


def test_an_am_counts_only_their_own_clients_objectives(client, am, agency):
    client.force_login(am)
    assert client.get("/objectives/").context["counts"].total == 4
    assert client.get("/objectives/tile/").context["kpi"].value == 0.5


def test_another_pod_or_person_on_the_objectives_list_is_404(client, pod_lead, other_am, agency):
    client.force_login(pod_lead)
    assert client.get("/objectives/", {"pod": other_am.pod_id}).status_code == 404
    assert client.get("/objectives/", {"am": other_am.pk}).status_code == 404
    assert client.get("/objectives/", {"state": "sideways"}).status_code == 400
    assert client.get("/objectives/tile/", {"pod": other_am.pod_id}).status_code == 404


def test_the_pod_and_person_pages_show_objectives_beside_the_goal_hit_rate(client, leader, am, agency):
    client.force_login(leader)
    pod_page = client.get(f"/pods/{am.pod_id}/")
    shown = pod_page.context["objective_counts"]
    assert (shown.on_pace, shown.behind, shown.achieved, shown.missed) == (1, 1, 1, 1)
    assert [(person, c.total) for person, c in pod_page.context["objective_people"]] == [(am, 4)]
    assert pod_page.context["tied_rate"] == pytest.approx(2 / 3)
    assert f'href="/objectives/?pod={am.pod_id}"'.encode() in pod_page.content
    assert f'href="/next-week/?pod={am.pod_id}"'.encode() in pod_page.content  # the pod meeting's page
    person = client.get(f"/people/{am.pk}/").context["objective_counts"]
    assert (person.on_pace, person.behind) == (1, 1)


@pytest.mark.parametrize("extra", [0, 8])
def test_the_objectives_list_costs_the_same_queries_at_any_size(
    client, leader, agency, extra, django_assert_num_queries
):
    for n in range(extra):
        objective(ClientFactory(account_manager=agency["mine"].account_manager), str(110 + 10 * n))
    client.force_login(leader)
    client.get("/objectives/")
    # Session, user; the filter form's pods, people and tiers; the rows' page count and page (with
    # client and AM); the counts' one pass (threshold as a subquery); the top bar's open actions.
    with django_assert_num_queries(9):
        client.get("/objectives/")


def test_the_rollup_flags_a_client_whose_week_serves_no_open_objective(am):
    on = today()
    served, unserved, none_open = (ClientFactory(account_manager=am) for _ in range(3))
    for c in (served, unserved):
        objective(c, "150")
    objective(none_open, "150", start_days=-100, due_days=-10, status="missed")
    this, last = week_start(on), week_start(on) - dt.timedelta(weeks=1)
    served_objective, unserved_objective = served.objectives.get(), unserved.objectives.get()
    for week in (this, last):  # whichever week the rule judges today
        WeeklyGoalFactory(client=served, week_start=week, objective=served_objective)
        WeeklyGoalFactory(client=unserved, week_start=week)  # serves no objective
        # A cancelled goal serves nothing, even tied to an objective.
        WeeklyGoalFactory(
            client=unserved, week_start=week, objective=unserved_objective, status="cancelled", cancel_reason="Paused"
        )
    rollup_day(on)
    fired = dict(EarlyWarning.objects.filter(rule="no_objective_goal").values_list("client_id", "reason"))
    assert served.pk not in fired
    assert fired[unserved.pk].endswith("serves its open objective")
    assert "No open objective" in fired[none_open.pk]
