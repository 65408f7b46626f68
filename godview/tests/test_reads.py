"""What every screen reads, by a query inspector: the rows of the task table and of the daily
snapshots each request touches, counted by Postgres (`pg_stat_xact_*`: heap rows a sequential
scan read plus index entries an index scan returned), at two agency sizes.

The world: pod A (the personas' world, plus 60 clients with tasks and a month of daily
snapshots); then pod C with 120 more. Every GET screen of the access matrix, each widget of the
God-view and the rows behind the tiles, is requested with an emptied cache (the costly first
load after a rollup) by the first of leadership, the pod lead or the AM it opens for. The rows are
committed and the tables vacuumed and analyzed, as in production, and sequential scans are
switched off: a query that needs a scan of a whole table cannot hide behind the small table's
cheap seq scan, it shows as rows read.

The rules, for 120 more clients:
- the task table: a screen reads no more rows than before (a few of slack: plans can differ);
- the daily snapshots: at most `STOCK_ROWS` more per added client: a stock (the God-view shows
  two: the previous period's end and the latest day) is one day's row per client in scope, as
  its index scan counts it; a period's figures come from the weekly snapshots (a seventh of the
  daily rows), never from the days.

`GROWS` names the screens that still read in proportion to the agency, each with its cause; the
test fails for one that stops growing, so the list stays true.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import PodFactory, UserFactory
from core.weeks import today
from godview.rollup import rollup_span
from godview.tests.conftest import build_clients
from godview.tests.test_access_matrix import MATRIX, url_for
from godview.views import WIDGETS

# Committed rows: the statistics and visibility maps of a VACUUM ANALYZE, as in production (inside
# a test's transaction the planner saw tables bloated by earlier tests and chose other plans).
pytestmark = pytest.mark.django_db(transaction=True)

TASKS, DAILY = "tasks_task", "clients_dailysnapshot"
SMALL, ADDED = 60, 120
SLACK = 10  # rows: a plan can change with the statistics
STOCK_ROWS = 4  # daily rows per added client: the page's two stocks, never a period
# The rows behind the tiles, beyond the matrix's default URLs.
EXTRA = {"task_list:overdue": ("task_list", "?kind=overdue")}
# The AM's own screens are read as the AM.
AS_AM = {"my_clients", "my_week", "reviews_segment"}

GROWS = {
    ("task_list:overdue", TASKS): "at these sizes the planner sorts every overdue row for the first page; at"
    " 10,000 clients it walks the open-due index (4 ms) and the pager takes the rollup's count",
}


def rows_read() -> dict[str, int]:
    """Rows this transaction has read from each table so far, its indexes' entries included."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_stat_get_xact_tuples_returned(c.oid)
                   + COALESCE((SELECT sum(pg_stat_get_xact_tuples_returned(i.indexrelid))
                               FROM pg_index i WHERE i.indrelid = c.oid), 0)
            FROM pg_class c WHERE c.relname IN (%s, %s) AND c.relkind = 'r'
            """,
            [TASKS, DAILY],
        )
        return {name: int(n) for name, n in cursor.fetchall()}


class PerQuery:
    """An execute wrapper noting the rows each query read: the failure message names them."""

    def __init__(self):
        self.queries: list[tuple[dict, str]] = []
        self.inside = False

    def __call__(self, execute, sql, params, many, context):
        if self.inside:  # rows_read's own query
            return execute(sql, params, many, context)
        self.inside = True
        before = rows_read()
        try:
            return execute(sql, params, many, context)
        finally:
            after = rows_read()
            if read := {t: after[t] - before[t] for t in after if after[t] != before[t]}:
                self.queries.append((read, sql[:240]))
            self.inside = False


def screens(world: dict) -> list[tuple[str, str, str]]:
    """(name, role, url) of every GET screen."""
    out = []
    for name, case in sorted(MATRIX.items()):
        role = "am" if name in AS_AM else next((r for r in ("leader", "pod_lead", "am") if case.expect[r] == 200), None)
        if case.method != "get" or role is None:
            continue
        if name == "dashboard_widget":
            out += [(f"widget:{w}", role, reverse(name, kwargs={"name": w})) for w in WIDGETS]
            continue
        query = "&".join(f"{k}={v}" for k, v in case.data.items())
        out.append((name, role, url_for(name, case, world) + (f"?{query}" if query else "")))
    for label, (name, query) in EXTRA.items():
        out.append((label, "leader", reverse(name) + query))
    return out


def read_by_each(client, personas, world) -> dict[str, tuple[dict, list]]:
    out = {}
    for name, role, url in screens(world):
        client.force_login(personas[role])
        cache.clear()
        with transaction.atomic():  # the counters are the transaction's: one around the request
            before, inspector = rows_read(), PerQuery()
            with connection.execute_wrapper(inspector):
                response = client.get(url)
            after = rows_read()
        assert response.status_code == 200, (name, url, response.status_code)
        out[name] = ({t: after[t] - before[t] for t in after}, inspector.queries)
    return out


def agency(pod, n: int, start: int) -> None:
    """n clients of a new AM in `pod`, two tasks each (assigned to the AM), and the month's daily
    snapshots."""
    from tasks.models import Task

    manager = UserFactory(role=Role.ACCOUNT_MANAGER, pod=pod)
    clients = build_clients(n, [manager], start=start)
    Task.objects.filter(client__in=clients).update(assignee=manager)
    rollup_span(today() - dt.timedelta(days=30), today())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the planner sees the sizes it would see in production


@pytest.fixture
def no_seq_scans():
    """A query that needs a scan of a whole table cannot hide behind a small table's cheap seq scan."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def test_no_screen_reads_tasks_or_daily_rows_in_proportion_to_the_agency(client, personas, world, no_seq_scans):
    agency(world["pod"], SMALL, 0)
    small = read_by_each(client, personas, world)
    agency(PodFactory(name="Pod C"), ADDED, 10_000)
    large = read_by_each(client, personas, world)

    allowed = {TASKS: SLACK, DAILY: STOCK_ROWS * ADDED + SLACK}
    grew, stale = [], []
    for name, (read, queries) in large.items():
        for table, limit in allowed.items():
            growth = read[table] - small[name][0][table]
            if (name, table) in GROWS:
                if growth <= SLACK:  # flat now
                    stale.append(f"{name} no longer grows on {table} ({growth} rows): take it out of GROWS")
            elif growth > limit:
                worst = sorted((q for q in queries if table in q[0]), key=lambda q: -q[0][table])[:2]
                grew.append(f"{name}: {table} +{growth} rows (over {limit}); " + "; ".join(map(str, worst)))
    assert grew == [] and stale == [], "\n".join(grew + stale)
    assert len(large) > 80  # every screen was read (the matrix's GETs and the widgets)


def test_the_inspector_counts_the_rows_a_query_reads(personas, world, no_seq_scans):
    """The instrument itself: a scan of every task counts them all, one by primary key counts one."""
    agency(world["pod"], 20, 0)
    from tasks.models import Task

    with transaction.atomic():
        before = rows_read()
        tasks = list(Task.objects.filter(name__contains="Task"))  # no index on the name: a scan
        scanned = rows_read()
        Task.objects.get(pk=tasks[0].pk)
        after = rows_read()
    assert len(tasks) == 40 and scanned[TASKS] - before[TASKS] >= 40
    assert after[TASKS] - scanned[TASKS] == 1  # one entry of the primary key's index
