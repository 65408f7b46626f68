"""Every chart point opens the rows behind it (issue 18): each bar or point carries a link
(`meta.links`, followed on click by static/js/charts.js), and the rows at that link count what the
point shows. The heatmap's cells are tested with the goals list (test_trust)."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory, RevenueEventFactory, RiskAssessmentFactory
from core.weeks import today

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def figure(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no chart {chart_id}"
    return json.loads(found.group(1))


def csv_count(client, url: str) -> int:
    response = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    assert response.status_code == 200, url
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return len(list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))) - 1


def test_each_risk_bar_opens_its_clients_in_the_same_filters(client, leader, am, other_am, pod):
    # By hand: pod A has two clients at risk 1, one at 3 and one not assessed; pod B one at 1.
    for score in (1, 1, 3):
        RiskAssessmentFactory(client=ClientFactory(account_manager=am), score=score)
    ClientFactory(account_manager=am)
    RiskAssessmentFactory(client=ClientFactory(account_manager=other_am), score=1)
    client.force_login(leader)
    html = client.get(f"/widgets/risk/?pod={pod.pk}", **HTMX).content.decode()
    (bars,) = figure(html, "risk-distribution")["data"]
    links = bars["meta"]["links"]
    assert links[0] == f"/clients/?pod={pod.pk}&risk=1" and links[-1] == f"/clients/?pod={pod.pk}&risk=none"
    assert bars["y"] == [2, 0, 1, 0, 1]
    assert [csv_count(client, link) for link in links] == bars["y"]


def test_each_lost_mrr_bar_opens_that_months_churned_clients(client, leader, am):
    march = today().replace(day=1) - dt.timedelta(days=1)  # last month
    for day in (3, 9):
        ClientFactory(account_manager=am, lifecycle_stage="churned", churned_on=march.replace(day=day),
                      churn_reason="price", mrr=Decimal("1000"))  # fmt: skip
    client.force_login(leader)
    html = client.get("/churn/").content.decode()
    (bars,) = figure(html, "churn-by-month")["data"]
    links = bars["meta"]["links"]
    assert len(links) == len(bars["x"]) and all(link.startswith("/churn/?start=") for link in links)
    assert sum(bars["customdata"]) == 2
    exports = [
        link.replace("/churn/?", "/churn/export.csv?table=clients&").replace("#churned-clients", "") for link in links
    ]
    assert [csv_count(client, url) for url in exports] == bars["customdata"]


def test_each_revolving_door_bar_opens_its_rows(client, leader, am):
    started = today() - dt.timedelta(days=40)
    for _ in range(3):
        c = ClientFactory(account_manager=am, started_on=started, mrr=Decimal("500"))
        RevenueEventFactory(client=c, kind="new", amount=Decimal("500"), occurred_on=started)
    client.force_login(leader)
    html = client.get("/revolving-door/", **HTMX).content.decode()
    new, lost = figure(html, "door-clients")["data"]
    added = figure(html, "door-mrr")["data"][0]
    for trace, sign in ((new, 1), (lost, -1)):
        assert [csv_count(client, link) for link in trace["meta"]["links"]] == [sign * y for y in trace["y"]]
    assert sum(new["y"]) == 3
    month = added["y"].index(1500)
    assert csv_count(client, added["meta"]["links"][month]) == 3


def test_each_revenue_point_opens_the_months_rows(client, leader, am):
    c = ClientFactory(account_manager=am, mrr=Decimal("1000"))
    RevenueEventFactory(client=c, kind="new", amount=Decimal("1000"), occurred_on=today() - dt.timedelta(days=90))
    client.force_login(leader)
    html = client.get("/revenue/?months=3").content.decode()
    for chart_id, figure_key in (("revenue-mrr", "mrr"), ("revenue-churn", "churn"), ("revenue-nps", "nps")):
        (trace,) = figure(html, chart_id)["data"]
        assert trace["meta"]["links"] == [f"/revenue/rows/?figure={figure_key}&month={x}" for x in trace["x"]]
    mrr = figure(html, "revenue-mrr")["data"][0]
    assert csv_count(client, mrr["meta"]["links"][-1].replace("/revenue/rows/", "/revenue/rows/export.csv")) == 1


def test_each_pass_rate_bar_opens_the_modules_rows(client, leader, am, other_am):
    from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

    module = TrainingModuleFactory(title="Discovery", required_roles=["account_manager"])
    TrainingResultFactory(user=am, module=module, score=95, passed=True)
    client.force_login(leader)
    html = client.get("/training/?role=account_manager").content.decode()
    (bars,) = figure(html, "training-pass-rates")["data"]
    link = bars["meta"]["links"][bars["y"].index("Discovery (v1)")]
    assert link == f"/training/results/?module={module.pk}&role=account_manager"
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get(link + "&format=csv").streaming_content).decode("utf-8-sig")))
    )
    passed = [r for r in rows[1:] if r[4] == "passed"]
    assert bars["x"][bars["y"].index("Discovery (v1)")] == round(100 * len(passed) / len(rows[1:]))


def test_each_lead_time_bar_opens_the_churns_caught_that_far_ahead(client, leader, am):
    from godview.tests.test_lab_views import PERIOD, world

    world(am, 12)
    client.force_login(leader)
    html = client.get("/lab/", PERIOD).content.decode()
    traces = figure(html, "lab-lead-times")["data"]
    assert len(traces) == 3 and sum(sum(t["y"]) for t in traces) > 0
    for trace in traces:
        for link, y in zip(trace["meta"]["links"], trace["y"], strict=True):
            assert "kind=caught" in link and "&lead=" in link
            page = client.get(link).content.decode()
            assert page.count('<th scope="row"><a href="/clients/') == y, link
    assert client.get("/lab/clients/", {**PERIOD, "lead": "3-4"}).status_code == 400
