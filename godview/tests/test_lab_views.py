"""The health lab's screen: leadership only, every figure links to its clients, the period is a
filter, and the CSV agrees with a second, independent count over the SignalRun rows (plain SQL,
and for "any" plain Python over days)."""

import csv
import datetime as dt
import io
import random
import re
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client, WarningRule
from clients.tests.factories import ClientFactory
from godview.lab import HORIZONS
from godview.models import HEALTH_LE_2, RISK_LE_2, SignalRun

pytestmark = pytest.mark.django_db

START, END = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
SIGNALS = (HEALTH_LE_2, RISK_LE_2, "stale_contact")


def world(am, clients: int, seed: int = 1) -> None:
    """Clients with random runs of three signals; about a third churn inside the period."""
    rng = random.Random(seed)
    for n in range(clients):
        churned = START + dt.timedelta(days=rng.randint(0, 729)) if n % 3 == 0 else None
        client = ClientFactory(
            account_manager=am,
            started_on=START - dt.timedelta(days=200),
            lifecycle_stage="churned" if churned else "adopting",
            churned_on=churned,
            churn_reason="price" if churned else "",
        )
        for signal in SIGNALS:
            day = START - dt.timedelta(days=rng.randint(0, 150))
            last_day = churned - dt.timedelta(days=1) if churned else END
            while day < last_day:
                end = min(day + dt.timedelta(days=rng.randint(0, 20)), last_day)
                SignalRun.objects.create(client=client, signal=signal, first_day=day, last_day=end)
                day = end + dt.timedelta(days=rng.randint(2, 120))


def exported(client) -> dict[tuple[str, int], dict]:
    response = client.get("/lab/export.csv", PERIOD)
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    return {(row["signal"], int(row["horizon_days"])): row for row in rows}


SQL = """
WITH churns AS (
  SELECT id, churned_on FROM clients_client WHERE churned_on BETWEEN %(start)s AND %(end)s
), caught AS (
  SELECT c.id, c.churned_on - MAX(r.first_day) AS lead
  FROM churns c JOIN godview_signalrun r ON r.client_id = c.id AND r.signal = %(signal)s
  WHERE r.first_day < c.churned_on
  GROUP BY c.id, c.churned_on
  HAVING MAX(r.last_day) FILTER (WHERE r.first_day < c.churned_on) >= c.churned_on - %(h)s
), flags AS (
  SELECT r.client_id, r.first_day FROM godview_signalrun r
  WHERE r.signal = %(signal)s AND r.first_day BETWEEN %(start)s AND %(end)s::date - %(h)s
)
SELECT
  (SELECT COUNT(*) FROM flags),
  (SELECT COUNT(*) FROM flags f JOIN clients_client c ON c.id = f.client_id
     WHERE c.churned_on > f.first_day AND c.churned_on <= f.first_day + %(h)s),
  (SELECT COUNT(*) FROM churns),
  (SELECT COUNT(*) FROM caught),
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lead) FROM caught)
"""


def by_sql(signal: str, h: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(SQL, {"start": START, "end": END, "signal": signal, "h": h})
        return cursor.fetchone()


def by_days(h: int) -> tuple:
    """ "Any" by brute force: the set of firing days per client, flags where the day before is quiet."""
    days: dict[int, set[dt.date]] = {}
    for pk, first, last in SignalRun.objects.values_list("client_id", "first_day", "last_day"):
        days.setdefault(pk, set()).update(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    churned = dict(Client.objects.filter(churned_on__range=(START, END)).values_list("pk", "churned_on"))
    one = dt.timedelta(days=1)
    flags = [
        (pk, d) for pk, ds in days.items() for d in ds if d - one not in ds and START <= d <= END - dt.timedelta(days=h)
    ]
    true = [f for f in flags if f[0] in churned and 0 < (churned[f[0]] - f[1]).days <= h]
    leads = []
    for pk, on in churned.items():
        ds = days.get(pk, set())
        if any(on - dt.timedelta(days=k) in ds for k in range(1, h + 1)):
            last = max(d for d in ds if d < on)
            while last - one in ds:
                last -= one
            leads.append((on - last).days)
    return len(flags), len(true), len(churned), len(leads), statistics.median(leads) if leads else None


def test_the_csv_agrees_with_an_independent_count_over_the_runs(client, leader, am):
    world(am, 30)
    client.force_login(leader)
    rows = exported(client)
    assert len(rows) == (len(WarningRule.Code) + 3) * len(HORIZONS)  # each rule, health, risk and "any"
    for signal in SIGNALS:
        for h in HORIZONS:
            flags, true, churned, caught, median = by_sql(signal, h)
            row = rows[(signal, h)]
            assert (int(row["flags"]), int(row["true_flags"]), int(row["churned"]), int(row["caught"])) == (
                flags,
                true,
                churned,
                caught,
            ), (signal, h)
            assert (float(row["median_lead_days"]) if row["median_lead_days"] else None) == median
            if flags:
                assert float(row["precision"]) == pytest.approx(true / flags, abs=1e-4)
            assert float(row["recall"]) == pytest.approx(caught / churned, abs=1e-4)
    for h in HORIZONS:
        flags, true, churned, caught, median = by_days(h)
        row = rows[("any", h)]
        assert (int(row["flags"]), int(row["true_flags"]), int(row["churned"]), int(row["caught"])) == (
            flags,
            true,
            churned,
            caught,
        )
        assert (float(row["median_lead_days"]) if row["median_lead_days"] else None) == median


def test_the_lab_shows_every_signal_and_links_each_figure_to_its_clients(client, leader, am):
    world(am, 12)
    client.force_login(leader)
    response = client.get("/lab/", PERIOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Health signal ≤ 2" in html and "Any signal" in html and "Stale contact" in html
    assert "kind=caught" in html and "kind=missed" in html and "kind=false_alarms" in html
    assert 'id="lab-lead-times"' in html and "Show the numbers" in html
    caught = client.get("/lab/clients/", {**PERIOD, "signal": "any", "horizon": 90, "kind": "caught"})
    assert caught.status_code == 200
    row = exported(client)[("any", 90)]
    assert int(row["caught"]) > 0
    assert caught.content.decode().count('<th scope="row"><a href="/clients/') == int(row["caught"])


def test_the_period_is_a_filter_and_a_backwards_one_is_a_400(client, leader, am):
    world(am, 6)
    client.force_login(leader)
    assert client.get("/lab/", {"start": "2025-06-01", "end": "2025-01-01"}).status_code == 400
    assert client.get("/lab/", {"start": "not-a-date"}).status_code == 400
    assert client.get("/lab/clients/", {"kind": "everything"}).status_code == 400
    narrow = client.get("/lab/export.csv", {"start": "2025-12-01", "end": "2025-12-31"})
    text = b"".join(narrow.streaming_content).decode("utf-8-sig")
    assert "health-lab-2025-12-01-2025-12-31.csv" in narrow["Content-Disposition"]
    assert (
        text.splitlines()[0] == "signal,horizon_days,flags,true_flags,precision,churned,caught,recall,median_lead_days"
    )


def test_an_account_manager_and_a_pod_lead_get_404_for_the_lab_and_its_lists(client, am, pod_lead):
    for user in (am, pod_lead):
        client.force_login(user)
        for url in ("/lab/", "/lab/export.csv", "/lab/clients/?kind=caught", "/lab/what-if/?rule=risk_score&value=3"):
            assert client.get(url).status_code == 404


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, PERIOD).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", ["/lab/", "/lab/clients/"])
def test_the_lab_costs_the_same_queries_for_6_or_30_clients(client, leader, am, url):
    # Session and user, then the runs of the period and the churn dates (two queries); for the
    # list the names of the page's clients; for the lab also the threshold changes of the audit
    # trail, the names of the churns nothing caught and the what-if form's current threshold.
    world(am, 6, seed=3)
    client.force_login(leader)
    small = count(client, url)
    world(am, 24, seed=4)
    assert count(client, url) == small
    assert small <= (9 if url == "/lab/" else 6)


# --- churns meet the lab ----------------------------------------------------------------------


def churned_client(am, on: dt.date, **runs: tuple[int, int]):
    """A client that churned on `on`, with one run per signal from `first` to `last` days before."""
    client = ClientFactory(account_manager=am, lifecycle_stage="churned", churned_on=on, churn_reason="price")
    for signal, (first, last) in runs.items():
        SignalRun.objects.create(
            client=client, signal=signal, first_day=on - dt.timedelta(days=first), last_day=on - dt.timedelta(days=last)
        )
    return client


def test_a_churned_clients_page_shows_what_fired_before_and_how_early(client, leader, am):
    # Stale contact ran 50..20 days before (lead 50); risk ≤ 2 ran 12..1 days before (lead 12);
    # health ≤ 2 ended 120 days before: outside the 90 days, not shown.
    churned = churned_client(
        am, dt.date(2025, 6, 30), stale_contact=(50, 20), risk_le_2=(12, 1), health_le_2=(200, 120)
    )
    client.force_login(leader)
    html = client.get(f"/clients/{churned.pk}/").content.decode()
    section = html[html.index('id="before-churn"') : html.index("</section>", html.index('id="before-churn"'))]
    assert "Stale contact" in section and "AM risk score ≤ 2" in section
    assert "Health signal ≤ 2" not in section
    leads = [int(cell) for cell in re.findall(r'<td class="num">(\d+)</td>', section)]
    assert leads == [50, 12]  # the earliest warning first


def test_a_churn_nothing_caught_says_so_on_its_page_and_in_the_lab(client, leader, am):
    missed = churned_client(am, dt.date(2025, 6, 30), stale_contact=(300, 200))
    caught = churned_client(am, dt.date(2025, 5, 31), stale_contact=(10, 1))
    client.force_login(leader)
    html = client.get(f"/clients/{missed.pk}/").content.decode()
    assert "Nothing fired in the 90 days before this churn" in html
    lab = client.get("/lab/", PERIOD).content.decode()
    region = lab[lab.index("Churns nothing caught") :]
    assert f"/clients/{missed.pk}/" in region and f"/clients/{caught.pk}/" not in region.split("</section>")[0]


def test_a_client_that_has_not_churned_has_no_before_the_churn_section(client, leader, am):
    active = ClientFactory(account_manager=am)
    client.force_login(leader)
    assert 'id="before-churn"' not in client.get(f"/clients/{active.pk}/").content.decode()
