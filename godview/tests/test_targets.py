"""Issue 20, item 9: leadership sets a target per KPI and picks a north star; tiles show the target
and the gap, the north star leads the strip and the weekly digest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache

from clients.tests.factories import ClientFactory, WeeklyGoalFactory
from core.weeks import today, week_deadline, week_start
from godview import targets
from godview.alerts import send_weekly_digest
from godview.models import KpiTarget
from godview.selectors import Kpi

pytestmark = pytest.mark.django_db


def test_the_gap_is_in_the_kpis_own_unit_and_direction():
    KpiTarget.objects.create(kpi="goal_hit_rate", target=Decimal("85"))
    KpiTarget.objects.create(kpi="churn", target=Decimal("2"), north_star=True)
    KpiTarget.objects.create(kpi="overdue", target=Decimal("10"))
    hit = Kpi("goal_hit_rate", "Goal hit rate", 0.77, "percent")
    churn = Kpi("churn", "Logo churn", 0.015, "percent")
    overdue = Kpi("overdue", "Overdue tasks", 14, "count")
    mrr = Kpi("mrr", "MRR", Decimal("1000"), "money")
    strip = targets.with_targets([mrr, hit, overdue, churn])
    assert [k.key for k in strip] == ["churn", "mrr", "goal_hit_rate", "overdue"]  # the north star leads
    assert hit.target == 0.85 and hit.gap == pytest.approx(-0.08) and hit.on_target is False  # 8 points short
    assert churn.gap == pytest.approx(-0.005) and churn.on_target is True  # lower is better: 1.5% ≤ 2%
    assert overdue.gap == 4 and overdue.on_target is False  # 14 overdue against at most 10
    assert mrr.target is None and mrr.gap is None


def test_a_kpi_with_no_value_has_a_target_but_no_gap():
    KpiTarget.objects.create(kpi="nrr", target=Decimal("105"))
    nrr = targets.with_targets([Kpi("nrr", "NRR", None, "percent")])[0]
    assert nrr.target == pytest.approx(1.05) and nrr.gap is None and nrr.on_target is None


def test_leadership_sets_targets_and_one_north_star(client, leader):
    client.force_login(leader)
    data = {"target_goal_hit_rate": "85", "target_nrr": "105", "north_star": "nrr"}
    assert client.post("/targets/", data).status_code == 302
    assert dict(KpiTarget.objects.values_list("kpi", "target")) == {"goal_hit_rate": Decimal(85), "nrr": Decimal(105)}
    client.post("/targets/", {"target_goal_hit_rate": "85", "north_star": "goal_hit_rate"})
    assert list(KpiTarget.objects.filter(north_star=True).values_list("kpi", flat=True)) == ["goal_hit_rate"]
    assert not KpiTarget.objects.filter(kpi="nrr").exists()  # blank: removed


def test_a_bad_target_says_why_and_saves_nothing(client, leader):
    client.force_login(leader)
    KpiTarget.objects.create(kpi="nrr", target=Decimal("105"))
    response = client.post("/targets/", {"target_nrr": "-3", "target_on_time": "lots"})
    assert response.status_code == 422 and b"Nothing was saved" in response.content
    assert b'value="lots"' in response.content  # what was typed stays in the form
    assert dict(KpiTarget.objects.values_list("kpi", "target")) == {"nrr": Decimal(105)}
    assert client.post("/targets/", {"north_star": "vibes"}).status_code == 422


def test_only_leadership_and_admins_reach_the_targets(client, personas):
    for name, user in personas.items():
        client.force_login(user)
        expected = 200 if name in ("leader", "admin") else 404
        assert client.get("/targets/").status_code == expected, name
        assert client.post("/targets/", {"north_star": "nrr"}).status_code in ((302,) if expected == 200 else (404,))


def test_the_god_view_tiles_show_target_and_gap_and_the_north_star_first(client, leader, am):
    c = ClientFactory(account_manager=am)
    last = week_start(today()) - dt.timedelta(weeks=1)
    for n in range(4):  # 3 of 4 hit: 75% against a target of 85%
        WeeklyGoalFactory(client=c, week_start=last, status="done" if n < 3 else "open",
                          done_at=week_deadline(last) - dt.timedelta(days=1) if n < 3 else None)  # fmt: skip
    KpiTarget.objects.create(kpi="goal_hit_rate", target=Decimal("85"), north_star=True)
    client.force_login(leader)
    response = client.get("/")
    first = response.context["kpis"][0]
    assert first.key == "goal_hit_rate" and first.value == 0.75 and first.gap == pytest.approx(-0.10)
    assert b"kpi-north-star" in response.content and b"-10 pts" in response.content


def test_the_weekly_digest_leads_with_the_north_star(leader, am):
    cache.clear()
    c = ClientFactory(account_manager=am)
    last = week_start(today()) - dt.timedelta(weeks=1)
    WeeklyGoalFactory(client=c, week_start=last, status="done", done_at=week_deadline(last) - dt.timedelta(days=2))
    WeeklyGoalFactory(client=c, week_start=last)  # a miss: 1 of 2
    KpiTarget.objects.create(kpi="goal_hit_rate", target=Decimal("85"), north_star=True)
    assert send_weekly_digest() == 1
    digest = mail.outbox[-1]
    assert "Goal hit rate 50% (target 85%, -35 pts: off target)" in digest.subject
    body = digest.body.split("\n")
    assert body[2].startswith("North star: Goal hit rate 50%")  # right under the title
