"""/next-week/'s objectives judged by the database (godview.next_week.moving) against the Python
definition (objectives_to_move): the same objectives, in the same order, with the same figures, on
a hand-built world and on a seeded random one; every sort and the CSV as before; queries flat."""

import csv
import datetime as dt
import io
import random
from decimal import Decimal

import pytest

from clients.models import Client, Objective, WarningRule
from clients.tests.factories import ClientFactory, ObjectiveFactory
from core.sorting import sorted_rows
from core.weeks import today
from godview import next_week as ahead
from godview.next_week_views import OBJECTIVE_COLUMNS

pytestmark = pytest.mark.django_db


def _monday() -> dt.date:
    return ahead.next_monday(today())


def _sunday() -> dt.date:
    return _monday() + dt.timedelta(days=6)


def _objective(client, *, baseline, target, current, days: int = 100, gone: int = 50, **extra) -> Objective:
    """An objective `days` long of which `gone` days have passed by next Sunday."""
    start = _sunday() - dt.timedelta(days=gone)
    return ObjectiveFactory(
        client=client,
        baseline=Decimal(baseline),
        target=Decimal(target),
        current_value=Decimal(current),
        start_date=start,
        due_date=start + dt.timedelta(days=days),
        **extra,
    )


@pytest.fixture
def world(am):
    """Next Sunday half the time has gone (50%) unless said: progress 75% is ahead, 30% on pace
    (20 points short), exactly 25 points short is not behind (more than 25 is), 24.99% is."""
    mine = ClientFactory(name="Mine", account_manager=am)
    churned = ClientFactory(
        name="Gone", account_manager=am, lifecycle_stage="churned", churned_on=today(), churn_reason="price", mrr=0
    )
    make = _objective
    named = {
        "ahead": make(mine, baseline=100, target=200, current=175),
        "on_track": make(mine, baseline=100, target=200, current=130),
        "boundary": make(mine, baseline=100, target=200, current=125),  # 50 − 25 = 25: not more than 25
        "behind": make(mine, baseline=100, target=200, current="124.99"),
        "falling_behind": make(mine, baseline=200, target=100, current=190),  # a falling target, 10% of the way
        "falling_ahead": make(mine, baseline=200, target=100, current=130),
        "reached": make(mine, baseline=100, target=200, current=200),  # target reached: nothing to move
        "past_target": make(mine, baseline=200, target=100, current=90),
        "achieved": make(mine, baseline=100, target=200, current=110, status=Objective.Status.ACHIEVED),
        "missed": make(mine, baseline=100, target=200, current=110, status=Objective.Status.MISSED),
        "marked_behind": make(mine, baseline=100, target=200, current=110, status=Objective.Status.BEHIND),
        "a_third": make(mine, baseline=0, target=3, current="0.25", days=3, gone=1),  # 33.3…% − 8.3…% = 25
        "thirds": make(mine, baseline=0, target=3, current="0.24", days=3, gone=1),
        "due_in_the_week": make(mine, baseline=0, target=10, current=7, days=60, gone=62),  # all time gone by Sunday
        "starts_in_the_week": make(mine, baseline=0, target=10, current=0, days=60, gone=2),
        "not_started": make(mine, baseline=0, target=10, current=0, days=60, gone=-1),
        "closed_before": make(mine, baseline=0, target=10, current=0, days=40, gone=50),  # due before Monday
        "churned": make(churned, baseline=100, target=200, current=101),
        "negative": make(mine, baseline=-50, target="-10.5", current=-49, days=91, gone=45),
    }
    return named


def _python(clients=None) -> list[ahead.ObjectiveToMove]:
    return ahead.objectives_to_move(clients or Client.objects.all(), _monday())


def _sql(clients=None) -> list[ahead.ObjectiveToMove]:
    return ahead.rows_of(ahead.moving(clients or Client.objects.all(), _monday()), _monday())


def _same(sql: list[ahead.ObjectiveToMove], python: list[ahead.ObjectiveToMove]) -> None:
    assert [r.objective.pk for r in sql] == [r.objective.pk for r in python]
    assert [(r.needed, r.progress, r.elapsed_then, r.to_go) for r in sql] == [
        (r.needed, r.progress, r.elapsed_then, r.to_go) for r in python
    ]


def test_the_database_picks_the_objectives_the_python_definition_picks(world):
    python = _python()
    _same(_sql(), python)
    picked = {pk for pk in (r.objective.pk for r in python)}
    names = {name for name, o in world.items() if o.pk in picked}
    assert names == {"behind", "falling_behind", "marked_behind", "thirds", "due_in_the_week", "negative"}


def test_the_rules_threshold_is_the_one_the_database_uses_and_25_without_a_rule(world):
    rule = WarningRule.Code.OBJECTIVE_BEHIND
    WarningRule.objects.update_or_create(code=rule, defaults={"threshold": Decimal("20.00")})
    _same(_sql(), _python())
    assert world["on_track"].pk not in {r.objective.pk for r in _sql()}  # 20 points short: not more than 20
    WarningRule.objects.filter(code=rule).update(threshold=Decimal("19.99"))
    _same(_sql(), _python())
    assert world["on_track"].pk in {r.objective.pk for r in _sql()}
    WarningRule.objects.filter(code=rule).delete()
    _same(_sql(), _python())
    assert {r.objective.pk for r in _sql()} == {
        world[n].pk for n in ("behind", "falling_behind", "marked_behind", "thirds", "due_in_the_week", "negative")
    }


def test_a_random_world_is_judged_the_same_in_sql_and_in_python(am):
    rng = random.Random(20)
    clients = [
        ClientFactory(account_manager=am, name=rng.choice(["ada", "Ada", "Bob", "bob", "Émile"])) for _ in range(6)
    ]
    sunday, objectives = _sunday(), []
    for n in range(400):
        baseline = Decimal(rng.randint(-5000, 5000)) / rng.choice([1, 3, 7, 100])
        baseline = baseline.quantize(Decimal("0.01"))
        target = baseline + Decimal(rng.choice([-1, 1]) * rng.randint(1, 90000)) / 100
        current = baseline + (target - baseline) * Decimal(rng.randint(-20, 120)) / 100
        days = rng.choice([1, 3, 7, 30, 90, 91, 97, 365])
        start = sunday - dt.timedelta(days=rng.randint(-3, days + 10))
        objectives.append(
            Objective(
                client=rng.choice(clients), title=f"o{n}", metric="m", baseline=baseline, target=target,
                current_value=current.quantize(Decimal("0.01")), start_date=start,
                due_date=start + dt.timedelta(days=days), status=rng.choice(["on_track", "behind", "achieved"]),
            )
        )  # fmt: skip
    Objective.objects.bulk_create(objectives)
    python = _python()
    assert len(python) > 40  # the world has plenty to move
    _same(_sql(), python)
    WarningRule.objects.update_or_create(
        code=WarningRule.Code.OBJECTIVE_BEHIND, defaults={"threshold": Decimal("0.33")}
    )
    _same(_sql(), _python())


def _csv_rows(client, query: str) -> list[list[str]]:
    body = b"".join(client.get(f"/next-week/?show=objectives&format=csv{query}").streaming_content)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]


@pytest.mark.parametrize("sort", [f"{way}{key}" for key in OBJECTIVE_COLUMNS for way in ("", "-")])
def test_every_sort_gives_the_rows_sorted_rows_gave(client, am, sort):
    """Ties on purpose: the same due dates, values and names in both cases, more rows than a page."""
    rng = random.Random(sort)
    clients = [ClientFactory(account_manager=am, name=name) for name in ("alpha", "Alpha", "beta", "Émile")]
    for n in range(60):
        _objective(
            rng.choice(clients), baseline=100, target=200, current=rng.choice(["101", "105", "110.5"]),
            days=rng.choice([80, 100]), gone=rng.choice([50, 60]), title=rng.choice(["Leads", "leads", f"Sales {n}"]),
        )  # fmt: skip
    _sort, expected = sorted_rows({"sort": sort}, OBJECTIVE_COLUMNS, "due", _python())
    client.force_login(am)
    page = client.get("/next-week/", {"show": "objectives", "sort": sort})
    assert page.status_code == 200 and page.context["sort"] == sort
    assert [r.objective.pk for r in page.context["page"].object_list] == [r.objective.pk for r in expected[:50]]
    second = client.get("/next-week/", {"show": "objectives", "sort": sort, "page": 2}).context["page"].object_list
    assert [r.objective.pk for r in second] == [r.objective.pk for r in expected[50:]]
    assert [r[2] for r in _csv_rows(client, f"&sort={sort}")] == [r.objective.title for r in expected]


def test_the_objectives_tab_counts_and_shows_what_python_would(client, am, world):
    client.force_login(am)
    page = client.get("/next-week/?show=objectives")
    assert dict((k, n) for k, _l, n in page.context["tabs"])["objectives"] == len(_python())
    assert dict((k, n) for k, _l, n in client.get("/next-week/").context["tabs"])["objectives"] == len(_python())
    _same(page.context["page"].object_list, _python())
    assert client.get("/next-week/?show=objectives&sort=nonsense").status_code == 400


@pytest.mark.parametrize("sort", ["due", "-to_go"])
@pytest.mark.parametrize("extra", [0, 8])
def test_the_objectives_tab_costs_the_same_queries_at_any_size(client, am, extra, sort, django_assert_num_queries):
    mine = ClientFactory(account_manager=am)
    for _n in range(1 + extra):
        _objective(ClientFactory(account_manager=am), baseline=0, target=100, current=1)
        _objective(mine, baseline=0, target=100, current=90)  # ahead: not listed
    client.force_login(am)
    client.get(f"/next-week/?show=objectives&sort={sort}")
    # Session, user; the tier choices; the objectives: their ids (SQL order) or their light rows
    # (Python order), then the page's objectives with client and AM; three counts (goals, tasks,
    # clients); the top bar's open actions.
    with django_assert_num_queries(9):
        response = client.get(f"/next-week/?show=objectives&sort={sort}")
    assert len(response.context["page"].object_list) == 1 + extra
