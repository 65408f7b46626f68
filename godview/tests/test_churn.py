"""`/churn/` and the revolving door: every figure against a fixture computed by hand, the links
that list each figure's rows, the scope (leadership all, a pod lead their pod, others 404), clear
400s for bad filters, CSVs, and query counts pinned and flat at two data sizes."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from clients.models import Client, DailySnapshot
from clients.tests.factories import ClientFactory, RevenueEventFactory, RiskAssessmentFactory
from core.weeks import agency_tz
from godview import churn, revolving_door
from godview.churn import Period
from godview.models import HEALTH_LE_2, RISK_LE_2, SignalRun

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
D = dt.date


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=agency_tz())


def churned_client(am, name, started, churned, reason, mrr="0") -> Client:
    return ClientFactory(
        name=name,
        account_manager=am,
        started_on=started,
        churned_on=churned,
        churn_reason=reason,
        lifecycle_stage="churned",
        mrr=Decimal(mrr),
    )


@pytest.fixture
def world(am, other_am):
    """By hand (period 2025):
    Alpha  (pod A) 2023-03-15 → 2025-03-10, price, churn event 4,000, tenure 23, last risk 1
           fired: risk ≤ 2 on 37 days (1 Feb – 9 Mar), stale contact on 6 (10–15 Dec 2024)
    Bravo  (pod A) 2024-01-31 → 2025-03-28, value, no churn event: its MRR 2,500; tenure 13
    Charly (pod B) 2022-05-01 → 2025-07-01, price, churn event 6,000; tenure 38
    Delta  (pod A) churned 2024-12-31: outside. Echo (pod A) active: not churned.
    Totals: 3 clients, 12,500; price 2 / 10,000, value 1 / 2,500; pod A 2 / 6,500, pod B 1 / 6,000;
    March 2 / 6,500, July 1 / 6,000, the other ten months 0."""
    alpha = churned_client(am, "Alpha", D(2023, 3, 15), D(2025, 3, 10), "price")
    RevenueEventFactory(client=alpha, kind="new", amount=Decimal("4000"), occurred_on=D(2023, 3, 15))
    RevenueEventFactory(client=alpha, kind="churn", amount=Decimal("4000"), occurred_on=D(2025, 3, 10))
    RiskAssessmentFactory(client=alpha, score=3, assessed_at=at(D(2025, 1, 5)))
    RiskAssessmentFactory(client=alpha, score=1, assessed_at=at(D(2025, 3, 1)))
    RiskAssessmentFactory(client=alpha, score=4, assessed_at=at(D(2025, 4, 1)))  # after the churn
    SignalRun.objects.create(client=alpha, signal=RISK_LE_2, first_day=D(2025, 2, 1), last_day=D(2025, 3, 20))
    SignalRun.objects.create(client=alpha, signal="stale_contact", first_day=D(2024, 11, 1), last_day=D(2024, 12, 15))
    SignalRun.objects.create(client=alpha, signal=HEALTH_LE_2, first_day=D(2024, 6, 1), last_day=D(2024, 9, 1))
    bravo = churned_client(am, "Bravo", D(2024, 1, 31), D(2025, 3, 28), "value", mrr="2500")
    charly = churned_client(other_am, "Charly", D(2022, 5, 1), D(2025, 7, 1), "price")
    RevenueEventFactory(client=charly, kind="churn", amount=Decimal("6000"), occurred_on=D(2025, 7, 1))
    delta = churned_client(am, "Delta", D(2022, 1, 1), D(2024, 12, 31), "price")
    RevenueEventFactory(client=delta, kind="churn", amount=Decimal("9999"), occurred_on=D(2024, 12, 31))
    echo = ClientFactory(name="Echo", account_manager=am, started_on=D(2025, 1, 20))
    return {"alpha": alpha, "bravo": bravo, "charly": charly, "delta": delta, "echo": echo}


PERIOD_2025 = Period(START, END)


def test_tenure_counts_whole_calendar_months():
    assert churn.tenure_months(D(2023, 3, 15), D(2025, 3, 10)) == 23
    assert churn.tenure_months(D(2023, 3, 15), D(2025, 3, 15)) == 24
    assert churn.tenure_months(D(2024, 1, 31), D(2024, 2, 29)) == 0
    assert churn.tenure_months(D(2025, 5, 1), D(2025, 5, 1)) == 0


def test_what_fired_counts_only_the_90_days_before_the_churn_day():
    churned_on = D(2025, 3, 10)  # the window is 10 Dec 2024 – 9 Mar 2025
    runs = [
        (1, RISK_LE_2, D(2025, 2, 1), D(2025, 3, 20)),  # 1 Feb – 9 Mar: 28 + 9 = 37 days
        (1, "stale_contact", D(2024, 11, 1), D(2024, 12, 15)),  # 10–15 Dec: 6 days
        (1, "stale_contact", D(2025, 3, 9), D(2025, 3, 9)),  # one more: 7
        (1, HEALTH_LE_2, D(2024, 6, 1), D(2024, 12, 9)),  # ends the day before the window
        (1, "nps_detractor", D(2025, 3, 10), D(2025, 3, 30)),  # from the churn day on: not before it
        (2, RISK_LE_2, D(2025, 1, 1), D(2025, 1, 31)),  # a client not asked about
    ]
    fired = churn.fired_before(runs, {1: churned_on})
    assert [(f.signal, f.days, f.first_day) for f in fired[1]] == [
        (RISK_LE_2, 37, D(2025, 2, 1)),
        ("stale_contact", 7, D(2024, 12, 10)),
    ]
    assert 2 not in fired


def test_the_churn_figures_match_the_hand_computed_fixture(world):
    rows = churn.churned(Client.objects.all(), PERIOD_2025)
    listed = list(churn.churn_list(rows))
    assert [c.name for c in listed] == ["Charly", "Bravo", "Alpha"]
    by_name = {c.name: c for c in listed}
    assert by_name["Alpha"].lost_mrr == Decimal("4000")
    assert by_name["Bravo"].lost_mrr == Decimal("2500")  # no churn event: its MRR
    assert by_name["Charly"].lost_mrr == Decimal("6000")
    assert by_name["Alpha"].last_risk_score == 1  # the 4 came after the churn
    assert by_name["Bravo"].last_risk_score is None
    fired = churn.signals_before(listed)
    assert [(f.signal, f.days) for f in fired[world["alpha"].pk]] == [(RISK_LE_2, 37), ("stale_contact", 6)]
    assert world["bravo"].pk not in fired

    totals = churn.totals(rows, PERIOD_2025)
    assert (totals.clients, totals.lost) == (3, Decimal("12500"))
    assert [(r["churn_reason"], r["clients"], r["lost"]) for r in totals.by_reason] == [
        ("price", 2, Decimal("10000")),
        ("value", 1, Decimal("2500")),
    ]
    pods = {r["account_manager__pod__name"]: (r["clients"], r["lost"]) for r in totals.by_pod}
    assert pods == {"Pod A": (2, Decimal("6500")), "Pod B": (1, Decimal("6000"))}
    months = {r["month"]: (r["clients"], r["lost"]) for r in totals.by_month}
    assert len(months) == 12
    assert months[D(2025, 3, 1)] == (2, Decimal("6500"))
    assert months[D(2025, 7, 1)] == (1, Decimal("6000"))
    assert sum(n for n, _ in months.values()) == 3


def listed_names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_each_total_links_to_exactly_its_rows(client, leader, world):
    DailySnapshot.objects.create(client=world["echo"], date=D(2024, 6, 1))  # the nightly history's first day
    client.force_login(leader)
    page = client.get("/churn/", PERIOD)
    assert page.status_code == 200
    totals = page.context["totals"]
    for row in [*totals.by_reason, *totals.by_pod, *totals.by_month]:
        listed = client.get(f"/churn/?{row['link']}")
        assert listed.context["page"].paginator.count == row["clients"]
        assert sum(c.lost_mrr for c in listed.context["page"].object_list) == row["lost"]
    price = next(r for r in totals.by_reason if r["churn_reason"] == "price")
    assert sorted(listed_names(client.get(f"/churn/?{price['link']}"))) == ["Alpha", "Charly"]
    march = next(r for r in totals.by_month if r["month"] == D(2025, 3, 1))
    assert "start=2025-03-01" in march["link"] and "end=2025-03-31" in march["link"]
    html = page.content.decode()
    for name in ("Alpha", "Bravo", "Charly"):
        assert name in html
    assert "Delta" not in html and "Echo" not in html
    assert "37 days" in html  # what fired before Alpha's churn
    assert "no signal history then" not in html
    DailySnapshot.objects.filter(date=D(2024, 6, 1)).update(date=D(2025, 3, 28))  # history from Bravo's churn on
    html = client.get("/churn/", PERIOD).content.decode()
    # Bravo churned on the history's first day: nothing to show. Alpha's runs still show; Charly
    # churned with history behind it and nothing fired.
    assert html.count("no signal history then") == 1


def test_a_pod_lead_sees_their_pod_and_another_pod_is_404(client, pod_lead, world, other_pod):
    client.force_login(pod_lead)
    page = client.get("/churn/", PERIOD)
    assert sorted(listed_names(page)) == ["Alpha", "Bravo"]
    assert (page.context["totals"].clients, page.context["totals"].lost) == (2, Decimal("6500"))
    assert client.get("/churn/", {**PERIOD, "pod": other_pod.pk}).status_code == 404
    assert client.get("/churn/export.csv", {**PERIOD, "pod": other_pod.pk}).status_code == 404
    assert client.get("/revolving-door/", {"pod": other_pod.pk}).status_code == 404


@pytest.mark.parametrize("url", ["/churn/", "/churn/export.csv", "/revolving-door/", "/revolving-door/rows/?kind=new"])
@pytest.mark.parametrize("persona", ["am", "designer", "other_am"])
def test_account_managers_and_designers_get_404(client, personas, url, persona):
    client.force_login(personas[persona])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"start": "2025-13-01"}, "start must be a date"),
        ({"start": "2025-06-01", "end": "2025-01-01"}, "start must be on or before end"),
        ({"reason": "boredom"}, "reason must be one of"),
        ({"pod": "A"}, "pod must be a pod"),
        ({"table": "everything"}, "table must be one of"),
    ],
)
def test_bad_filters_are_a_clear_400(client, leader, query, says):
    client.force_login(leader)
    url = "/churn/export.csv" if "table" in query else "/churn/"
    response = client.get(url, query)
    assert response.status_code == 400
    assert says in response.content.decode()


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_csvs_carry_the_same_figures(client, leader, world):
    client.force_login(leader)
    rows = read_csv(client.get("/churn/export.csv", PERIOD))
    alpha = next(r for r in rows if r["client"] == "Alpha")
    assert (alpha["lost mrr"], alpha["tenure months"], alpha["last risk score"], alpha["pod"]) == (
        "4000.00",
        "23",
        "1",
        "Pod A",
    )
    assert "AM risk score ≤ 2 (37)" in alpha["fired in the 90 days before (days)"]
    assert [r["client"] for r in rows] == ["Charly", "Bravo", "Alpha"]
    reasons = read_csv(client.get("/churn/export.csv", {**PERIOD, "table": "reasons"}))
    assert [(r["clients"], r["lost mrr"]) for r in reasons] == [("2", "10000.00"), ("1", "2500.00")]
    months = read_csv(client.get("/churn/export.csv", {**PERIOD, "table": "months"}))
    assert len(months) == 12 and months[2] == {"month": "2025-03", "clients": "2", "lost mrr": "6500.00"}
    pods = read_csv(client.get("/churn/export.csv", {**PERIOD, "table": "pods"}))
    assert {r["pod"]: r["lost mrr"] for r in pods} == {"Pod A": "6500.00", "Pod B": "6000.00"}


def more_churns(am, n: int, start: int) -> None:
    for i in range(n):
        c = churned_client(am, f"More {start + i}", D(2023, 1, 1), D(2025, 1 + i % 12, 1 + i % 27), "competitor")
        RevenueEventFactory(client=c, kind="churn", amount=Decimal("1000"), occurred_on=c.churned_on)
        RiskAssessmentFactory(client=c, score=2, assessed_at=at(c.churned_on - dt.timedelta(days=20)))
        SignalRun.objects.create(
            client=c, signal=RISK_LE_2, first_day=c.churned_on - dt.timedelta(days=30), last_day=c.churned_on
        )


def test_the_churn_page_costs_the_same_queries_at_two_sizes(client, leader, am, world, django_assert_num_queries):
    # Session and user; the pods for the filter; totals by reason, by pod and by month; the
    # list's count and page; the page's signal runs; where the nightly history starts; the top
    # bar's open actions.
    client.force_login(leader)
    with django_assert_num_queries(11):
        assert client.get("/churn/", PERIOD).status_code == 200
    more_churns(am, 40, 0)
    with django_assert_num_queries(11):
        response = client.get("/churn/", PERIOD)
    assert response.context["page"].paginator.count == 43


# --- the revolving door ----------------------------------------------------------------------


@pytest.fixture
def door(am, other_am):
    """By hand, January – March 2025: new clients Jan 2 (Foxtrot, Golf), Feb 0, Mar 1 (Hotel, pod B);
    lost: Mar 1 (India, churned 12 Mar). MRR added: Jan 3,000 + 2,000 (new), Feb 500 (expansion);
    MRR lost: Feb 300 (contraction), Mar 1,200 (churn). Outside: a start on 2024-12-31."""
    foxtrot = ClientFactory(name="Foxtrot", account_manager=am, started_on=D(2025, 1, 6))
    golf = ClientFactory(name="Golf", account_manager=am, started_on=D(2025, 1, 20))
    ClientFactory(name="Hotel", account_manager=other_am, started_on=D(2025, 3, 3))
    ClientFactory(name="Juliet", account_manager=am, started_on=D(2024, 12, 31))
    india = churned_client(am, "India", D(2022, 1, 1), D(2025, 3, 12), "competitor")
    RevenueEventFactory(client=foxtrot, kind="new", amount=Decimal("3000"), occurred_on=D(2025, 1, 6))
    RevenueEventFactory(client=golf, kind="new", amount=Decimal("2000"), occurred_on=D(2025, 1, 20))
    RevenueEventFactory(client=golf, kind="expansion", amount=Decimal("500"), occurred_on=D(2025, 2, 14))
    RevenueEventFactory(client=foxtrot, kind="contraction", amount=Decimal("300"), occurred_on=D(2025, 2, 20))
    RevenueEventFactory(client=india, kind="churn", amount=Decimal("1200"), occurred_on=D(2025, 3, 12))
    return Period(D(2025, 1, 1), D(2025, 3, 31))


def test_the_revolving_door_matches_the_hand_computed_fixture(door):
    months = revolving_door.door_months(Client.objects.all(), door)
    assert [(m.month, m.new, m.lost, m.mrr_added, m.mrr_lost) for m in months] == [
        (D(2025, 1, 1), 2, 0, Decimal("5000"), Decimal("0")),
        (D(2025, 2, 1), 0, 0, Decimal("500"), Decimal("300")),
        (D(2025, 3, 1), 1, 1, Decimal("0"), Decimal("1200")),
    ]
    assert [m.net_mrr for m in months] == [Decimal("5000"), Decimal("200"), Decimal("-1200")]


def test_every_door_figure_links_to_its_rows(client, leader, door):
    client.force_login(leader)
    response = client.get("/revolving-door/", {"start": "2025-01-01", "end": "2025-03-31"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="revolving-door"' in response.content
    rows = response.context["door_rows"]
    for row in rows:
        m = row["m"]
        for kind, figure in (("new", m.new), ("lost", m.lost), ("mrr_added", m.mrr_added), ("mrr_lost", m.mrr_lost)):
            listed = client.get(row["links"][kind]).context["page"]
            if kind in ("new", "lost"):
                assert listed.paginator.count == figure
            else:
                assert sum(e.amount for e in listed.object_list) == figure
    january = client.get(rows[0]["links"]["new"]).context["page"].object_list
    assert [c.name for c in january] == ["Foxtrot", "Golf"]


def test_the_door_follows_the_pod_and_its_csv_agrees(client, leader, pod_lead, door, other_pod):
    client.force_login(pod_lead)  # pod A: Hotel (pod B) is not theirs
    months = client.get("/revolving-door/", {"start": "2025-01-01", "end": "2025-03-31"}).context["door_rows"]
    assert [r["m"].new for r in months] == [2, 0, 0]
    client.force_login(leader)
    lines = read_csv(client.get("/revolving-door/", {"start": "2025-01-01", "end": "2025-03-31", "format": "csv"}))
    assert [(r["new clients"], r["lost clients"], r["mrr added"], r["mrr lost"]) for r in lines] == [
        ("2", "0", "5000.00", "0"),
        ("0", "0", "500.00", "300.00"),
        ("1", "1", "0", "1200.00"),
    ]
    assert client.get("/revolving-door/", {"pod": other_pod.pk, "start": "2025-01-01"}).status_code == 200


def test_the_god_view_loads_the_door_for_leaders_only(client, leader, am):
    client.force_login(leader)
    assert b'hx-get="/revolving-door/' in client.get("/").content
    client.force_login(am)
    assert b"/revolving-door/" not in client.get("/").content


def test_the_door_region_costs_the_same_queries_at_two_sizes(client, leader, am, door, django_assert_num_queries):
    # Session and user; the pods (scope); new, lost, and the revenue events by month and kind.
    client.force_login(leader)
    query = {"start": "2025-01-01", "end": "2025-03-31"}
    with django_assert_num_queries(6):
        client.get("/revolving-door/", query)
    more_churns(am, 30, 0)
    with django_assert_num_queries(6):
        client.get("/revolving-door/", query)


@pytest.mark.parametrize("kind", revolving_door.KINDS)
def test_the_door_rows_cost_the_same_queries_at_two_sizes(client, leader, am, door, kind, django_assert_num_queries):
    # Session and user; the pods; the count and the page of rows; the top bar's open actions.
    client.force_login(leader)
    query = {"kind": kind, "start": "2025-01-01", "end": "2025-12-31"}
    with django_assert_num_queries(6):
        assert client.get("/revolving-door/rows/", query).status_code == 200
    more_churns(am, 12, 100)
    with django_assert_num_queries(6):
        assert client.get("/revolving-door/rows/", query).status_code == 200
