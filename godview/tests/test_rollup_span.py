"""The rollup of a range of days in one pass (`rollup_span`, which `rollup_range` uses for the days
before the play window) writes what `rollup_day` run once per day in order writes: the same
snapshots, the same early warnings created in the same order, the same signal runs and the same
actions, on a small demo agency, row for row; and its query count does not grow with the days."""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clients.models import Action, DailySnapshot, EarlyWarning
from clients.scoring import HealthInputs, health_score, health_signal
from core.weeks import today
from godview import demo
from godview.models import SignalRun
from godview.rollup import SNAPSHOT_FIELDS, rollup_day, rollup_range, rollup_span

pytestmark = pytest.mark.django_db
DAYS = 45


class Discard(Exception):
    """Raised to roll a savepoint back."""


@pytest.fixture
def agency(monkeypatch):
    """A 20-client demo agency without its rollup: no snapshots, warnings or signal runs yet."""
    monkeypatch.setattr(demo, "rollup_range", lambda **kwargs: [])
    demo.build_demo(clients=20, seed=7)
    assert not DailySnapshot.objects.exists() and not EarlyWarning.objects.exists()


def written() -> dict[str, list]:
    """Everything a rollup writes, in a comparable form (ids left out, their order kept)."""
    return {
        "snapshots": list(
            DailySnapshot.objects.order_by("client_id", "date").values_list("client_id", "date", *SNAPSHOT_FIELDS)
        ),
        "snapshot order": list(DailySnapshot.objects.order_by("pk").values_list("date", "client_id")),
        "warnings": list(
            EarlyWarning.objects.order_by("pk").values_list(
                "client_id", "rule", "reason", "fired_on", "resolved_on", "notified_at"
            )
        ),
        "signal runs": sorted(SignalRun.objects.values_list("client_id", "signal", "first_day", "last_day")),
        "actions": list(
            Action.objects.order_by("pk").values_list(
                "client_id", "rule", "title", "due_on", "status", "warning__rule", "warning__fired_on"
            )
        ),
    }


def day_by_day(days: list[dt.date]) -> dict[str, list]:
    """What the daily rollup writes for `days`, in order; rolled back afterwards."""
    try:
        with transaction.atomic():
            for day in days:
                rollup_day(day)
            result = written()
            raise Discard
    except Discard:
        return result


def test_a_range_writes_what_the_daily_runs_write_row_for_row(agency):
    end = today()
    days = [end - dt.timedelta(days=k) for k in range(DAYS - 1, -1, -1)]
    expected = day_by_day(days)
    assert len(expected["snapshots"]) > 20 * 30 and len(expected["warnings"]) > 10  # the fixture has substance
    assert len(expected["signal runs"]) > 10

    results = rollup_range(end=end, days=DAYS)

    got = written()
    for part in expected:
        assert got[part] == expected[part], part
    assert [r.date for r in results] == days
    assert sum(r.snapshots for r in results) == len(expected["snapshots"])
    assert sum(r.fired for r in results) == len(expected["warnings"])


def test_a_rerun_over_stored_days_matches_the_daily_reruns(agency):
    """The nightly run recomputes days that late data changed: over stored snapshots, open
    warnings and signal runs, the range and the daily runs still agree."""
    end = today() - dt.timedelta(days=5)  # a past range, wholly before the play window
    for k in range(DAYS - 1, -1, -1):
        rollup_day(end - dt.timedelta(days=k))
    rerun = [end - dt.timedelta(days=k) for k in range(19, -1, -1)]
    DailySnapshot.objects.filter(date__in=rerun[:5]).update(health_score=None, warnings=99)  # stale rows
    expected = day_by_day(rerun)

    rollup_span(rerun[0], rerun[-1])

    got = written()
    for part in expected:
        assert got[part] == expected[part], part


def test_the_range_reads_each_input_once_whatever_the_days(agency):
    end = today() - dt.timedelta(days=5)
    counts = []
    for days in (10, 30):
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as ctx:
                    rollup_span(end - dt.timedelta(days=days - 1), end)
                counts.append(len(ctx))
                raise Discard
        except Discard:
            pass
    # Clients, rules, 13 input reads, open warnings, snapshot upsert, signal runs (read + insert),
    # warning insert, the clients' current state, snoozed actions; savepoints: 21 for the range;
    # plus the voice of the client (contacts, detractors), the goals tied to objectives and the
    # renewals, read once for the range too; the weekly snapshots summed and upserted; the months
    # of hours summed, deleted and inserted (and their savepoint's two); the goal weeks rebuilt
    # (lock, delete, insert … select, and their savepoint's two); the people's weeks of hours
    # (the same five as the months) and their loads (the stored day, the count, delete, insert and
    # a savepoint's two); the weekly snapshots per account manager and tier (lock, delete, insert
    # … select, and their savepoint's two).
    assert counts == [53, 53]


def test_the_health_score_alone_is_the_signals_score():
    grid = itertools.product(
        (None, 0, 3, 7, 15, 40),  # days since contact
        (None, 0.3, 0.6, 0.75, 0.9),  # goal hit rate
        ((0, 0), (2, 5), (4, 12), (9, 30)),  # overdue tasks, oldest
        ((0, 0), (1, 3), (2, 3)),  # objectives behind, open
        (None, 4, 8, 10),  # NPS
        (0, 2, 6),  # business days waiting
        (0, 1, 4, 8),  # slipped tasks
        ((0, 0, 0), (4, 1, 0), (3, 2, 1)),  # recent contacts, negative ones, detractors
    )
    checked = 0
    for contact, rate, (overdue, oldest), (behind, open_), nps, waiting, slipped, voice in grid:
        inputs = HealthInputs(
            days_since_contact=contact,
            stale_after_days=7,
            goal_hit_rate=rate,
            overdue_tasks=overdue,
            max_days_overdue=oldest,
            objectives_behind=behind,
            objectives_open=open_,
            latest_nps=nps,
            waiting_business_days=waiting,
            slipped_tasks=slipped,
            recent_contacts=voice[0],
            negative_contacts=voice[1],
            recent_detractors=voice[2],
        )
        assert health_score(inputs) == health_signal(inputs).score, inputs
        checked += 1
    assert checked == 6 * 5 * 4 * 3 * 4 * 3 * 4 * 3
