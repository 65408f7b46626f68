"""The action queue at scale: the database ranks the clients and a page reads only its own rows, so
every order, filter, page and CSV row must come out as the per-action order did (DESIGN, "Making
things happen"), and the figures counted by the database must match a count by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.action_selectors import QueueFilters, RankedQueue, queue_figures, ranked_queue
from clients.models import Action, EarlyWarning, RiskAssessment
from clients.tests.factories import ClientFactory, TierFactory
from core.weeks import today

pytestmark = pytest.mark.django_db


def assessed(client, score: int) -> None:
    RiskAssessment.objects.create(client=client, score=score, communication_level=2, reasons=["no_contact"])


def action(client, title: str, days: int, **fields) -> Action:
    """An action due `days` from today (negative: in the past)."""
    return Action.objects.create(
        client=client, owner=client.account_manager, title=title, due_on=today() + dt.timedelta(days=days), **fields
    )


@pytest.fixture
def agency(am):
    """Seven clients whose order is worked out by hand (priority = (risk weight + premium) × MRR):
    Delta 1 × 5,000 = 5,000; Birch (3 + 1) × 1,000, Acme 4 × 1,000 and Cedar (not assessed) 2 × 2,000
    all 4,000, so the oldest overdue open action decides (Birch's is 5 days old, Acme's 2, Cedar has
    none: its overdue action is snoozed); Elm, Alder and Beech weigh 0 (risk 4): Elm has an overdue
    action, then Alder before Beech by name."""
    premium = TierFactory(code="premium", name="Premium", is_premium=True, stale_contact_days=7)
    made = {}
    for name, score, mrr, tier in [
        ("Delta", 3, "5000", None),
        ("Birch", 2, "1000", premium),
        ("Acme", 1, "1000", None),
        ("Cedar", None, "2000", None),
        ("Elm", 4, "9000", None),
        ("Alder", 4, "100", None),
        ("Beech", 4, "200", None),
    ]:
        extra = {"tier": tier} if tier else {}
        made[name] = ClientFactory(account_manager=am, name=name, mrr=Decimal(mrr), **extra)
        if score:
            assessed(made[name], score)
    c = made
    action(c["Delta"], "d1", 0)
    action(c["Birch"], "b1", -5)
    action(c["Birch"], "b2", 1, rule="stale_contact", origin="play")
    action(c["Birch"], "b3", 1)  # the same day as b2: by id
    action(c["Acme"], "a0", -30, status="done", outcome_note="Done", closed_at=timezone.now())
    action(c["Acme"], "a1", -2)
    action(c["Acme"], "a2", 3, rule="stale_contact", origin="play")
    action(c["Cedar"], "c0", -10, status="snoozed", snooze_reason="Away", wake_on=today() + dt.timedelta(days=3))
    action(c["Cedar"], "c1", 2)
    action(c["Elm"], "e1", -1)
    action(c["Alder"], "f1", 4)
    action(c["Beech"], "g1", 4, rule="stale_contact", origin="play")
    return made


def titles(rows) -> list[str]:
    return [a.title for a in rows]


BY_PRIORITY = ["d1", "b1", "b2", "b3", "a1", "a2", "c1", "e1", "f1", "g1"]


def test_every_slice_of_the_ranked_queue_is_that_slice_of_the_order_worked_out_by_hand(agency, leader):
    queue = ranked_queue(leader, QueueFilters())
    assert queue.count() == len(BY_PRIORITY)
    assert titles(queue) == BY_PRIORITY
    for first in range(len(BY_PRIORITY) + 1):
        for stop in range(first, len(BY_PRIORITY) + 3):
            assert titles(queue[first:stop]) == BY_PRIORITY[first:stop], (first, stop)


def test_the_other_way_round_the_lowest_priority_comes_first_with_the_same_tie_breaks(agency, leader):
    queue = ranked_queue(leader, QueueFilters(), descending=False)
    assert titles(queue) == ["e1", "f1", "g1", "b1", "b2", "b3", "a1", "a2", "c1", "d1"]


def test_a_filtered_queue_still_breaks_ties_by_the_clients_oldest_overdue_action(agency, leader):
    # Birch's oldest overdue action (b1) is not a stale-contact one, yet it still puts Birch before Acme.
    assert titles(ranked_queue(leader, QueueFilters(rule="stale_contact"))) == ["b2", "a2", "g1"]
    assert titles(ranked_queue(leader, QueueFilters(overdue=True))) == ["b1", "a1", "e1"]
    # Every status: the done and snoozed ones by due date within their client; they never count as overdue.
    every = ["d1", "b1", "b2", "b3", "a0", "a1", "a2", "c0", "c1", "e1", "f1", "g1"]
    assert titles(ranked_queue(leader, QueueFilters(status=""))) == every
    assert titles(ranked_queue(leader, QueueFilters(status="done"))) == ["a0"]
    assert titles(ranked_queue(leader, QueueFilters(status="dropped"))) == []
    assert ranked_queue(leader, QueueFilters(status="dropped"))[0:50] == []


def test_the_scope_and_the_pod_and_am_filters_keep_other_clients_out_of_the_ranking(agency, leader, pod_lead, other_am):
    top = ClientFactory(account_manager=other_am, name="Zeta", mrr=Decimal("10000"))
    assessed(top, 1)
    action(top, "z1", 0)
    assert titles(ranked_queue(leader, QueueFilters())) == ["z1", *BY_PRIORITY]
    assert titles(ranked_queue(pod_lead, QueueFilters())) == BY_PRIORITY
    assert titles(ranked_queue(leader, QueueFilters(am=other_am.pk))) == ["z1"]
    assert titles(ranked_queue(leader, QueueFilters(pod=pod_lead.pod_id))) == BY_PRIORITY


def test_a_page_can_start_inside_a_clients_actions(agency, client, leader, monkeypatch):
    monkeypatch.setattr("clients.action_views.PER_PAGE", 3)
    client.force_login(leader)
    body = client.get(reverse("action_queue"), {"page": 2}).content.decode()
    shown = [t for t in BY_PRIORITY if f"<td>{t}<br>" in body]
    assert shown == ["b3", "a1", "a2"]
    assert body.index("<td>b3<br>") < body.index("<td>a1<br>") < body.index("<td>a2<br>")
    assert '<td>a2<br><small class="muted">Stale contact · Open</small>' in body
    assert '<td>a1<br><small class="muted">By hand · Open</small>' in body
    reverse_page = client.get(reverse("action_queue"), {"page": 1, "sort": "-priority"}).content.decode()
    assert [t for t in BY_PRIORITY if f"<td>{t}<br>" in reverse_page] == ["e1", "f1", "g1"]


def test_the_csv_has_every_row_in_the_queues_order_across_its_chunks(agency, client, leader, monkeypatch):
    monkeypatch.setattr(RankedQueue, "CSV_CLIENTS", 2)
    client.force_login(leader)
    lines = b"".join(client.get(reverse("action_export")).streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[3] for line in lines[1:]] == BY_PRIORITY
    # Birch: (risk 2 → 3, + 1 premium) × 1,000; its risk score last.
    assert lines[2].endswith(",By hand,b1,%s,Open,4000.00,1000.00,2" % (today() - dt.timedelta(days=5)))
    assert lines[3].split(",")[2:4] == ["Stale contact", "b2"]


def test_the_filter_selects_keep_the_chosen_values(agency, client, leader, am):
    client.force_login(leader)
    body = client.get(
        reverse("action_queue"), {"am": am.pk, "status": "done", "rule": "stale_contact"}
    ).content.decode()
    assert f'<option value="{am.pk}" selected>' in body
    assert '<option value="done" selected>' in body and '<option value="open" selected>' not in body
    assert '<option value="stale_contact" selected>' in body
    assert '<option value="" selected>Every pod</option>' in body
    assert 'name="overdue"' in body and 'id="queue-am"' in body


# --- query counts ---------------------------------------------------------------------------


def many(am, clients: int) -> None:
    for n in range(clients):
        c = ClientFactory(account_manager=am, mrr=Decimal(1000 + n))
        assessed(c, 1 + n % 4)
        for k in range(3):
            action(c, f"Action {n}.{k}", k - 1)


@pytest.mark.parametrize("clients", [2, 40])
def test_a_page_of_the_queue_costs_the_same_queries_at_any_size(client, leader, am, clients, django_assert_num_queries):
    many(am, clients)
    client.force_login(leader)
    # session, user, the page's count, the ranked clients, the page's rows, the figures (counts and
    # median; firings), the top bar's open-action count, the filter form's pods and people
    with django_assert_num_queries(10):
        assert client.get(reverse("action_queue"), {"page": 2}).status_code == 200
    # by another column: the ranking is not needed
    with django_assert_num_queries(9):
        assert client.get(reverse("action_queue"), {"page": 2, "sort": "client"}).status_code == 200
    # the table alone (htmx): neither the filter form's choices nor the top bar
    with django_assert_num_queries(7):
        table = client.get(reverse("action_queue"), {"page": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-table")
        assert table.status_code == 200 and b"<html" not in table.content


@pytest.mark.parametrize("clients", [2, 40])
def test_the_csv_costs_the_same_queries_at_any_size_below_a_chunk(
    client, leader, am, clients, django_assert_num_queries
):
    many(am, clients)
    client.force_login(leader)
    # session, user, the ranked clients, their rows (one query per 200 clients)
    with django_assert_num_queries(4):
        response = client.get(reverse("action_export"))
        assert len(b"".join(response.streaming_content).splitlines()) == 1 + 3 * clients


def test_the_queue_reads_the_stored_risk_not_the_assessment_history(agency, client, leader):
    client.force_login(leader)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("action_queue")).status_code == 200
    assert not [q["sql"] for q in ctx.captured_queries if "clients_riskassessment" in q["sql"]]


# --- the figures, counted by the database ---------------------------------------------------


def closed(client, title: str, created_days_ago: float, open_days: float, status: str = "done") -> Action:
    closed_at = timezone.now() - dt.timedelta(days=created_days_ago) + dt.timedelta(days=open_days)
    fields = {"outcome_note": "Done"} if status == "done" else {"drop_reason": "Not needed"}
    return action(
        client,
        title,
        -5,
        status=status,
        created_at=timezone.now() - dt.timedelta(days=created_days_ago),
        closed_at=closed_at,
        **fields,
    )


def test_the_median_days_to_close_is_the_middle_of_the_last_90_days(am, leader):
    c = ClientFactory(account_manager=am)
    assert queue_figures(leader, QueueFilters()).median_days_to_close is None
    closed(c, "one and a half", 10, 1.5)
    closed(c, "two", 20, 2, status="dropped")
    closed(c, "ten", 30, 10)
    closed(c, "long ago", 200, 50)  # closed 150 days ago: outside the window
    action(c, "still open", 0)
    assert queue_figures(leader, QueueFilters()).median_days_to_close == 2.0  # of 1.5, 2, 10
    closed(c, "twelve", 40, 12)
    assert queue_figures(leader, QueueFilters()).median_days_to_close == 6.0  # halfway between 2 and 10


def test_a_firing_is_acted_on_in_time_by_the_agencys_day_not_utcs(settings, am, leader):
    settings.TIME_ZONE = "Pacific/Auckland"  # UTC+13 in December, UTC+12 in winter
    c = ClientFactory(account_manager=am)
    on = today()
    tz = timezone.get_current_timezone()

    def firing(rule: str, *steps: tuple[int, dt.datetime | None, str]) -> None:
        fired = EarlyWarning.objects.create(client=c, rule=rule, reason="x", fired_on=on - dt.timedelta(days=10))
        for due, closed_at, status in steps:
            done = (
                {"outcome_note": "Done"} if status == "done" else {"drop_reason": "No"} if status == "dropped" else {}
            )
            action(c, rule, due, origin="play", rule=rule, warning=fired, status=status, closed_at=closed_at, **done)

    def local(days: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(on + dt.timedelta(days=days), dt.time(hour, 30), tzinfo=tz)

    firing("stale_contact", (-3, None, "open"), (2, local(-4, 12), "done"))  # done before its first due date
    firing("risk_score", (1, local(0, 9), "done"), (5, None, "open"))  # done early: counts before it is due
    firing("nps_detractor", (-1, None, "open"))  # due, not done
    firing("overdue_tasks", (3, None, "open"))  # not due yet, not done: not counted
    firing("task_slips", (-2, local(0, 9), "done"))  # done after its due date
    firing("off_cadence", (-1, local(-1, 9), "dropped"))  # dropped is not done
    # Done at 00:30 the day after its due date in Auckland: late, though it is still the due date in UTC.
    firing("renewal_due", (-2, local(-1, 0), "done"))
    figures = queue_figures(leader, QueueFilters(), on)
    assert (figures.firings_played, figures.firings_acted_on, figures.acted_on_share) == (6, 2, 33)
    only = queue_figures(leader, QueueFilters(rule="risk_score"), on)
    assert (only.firings_played, only.firings_acted_on, only.acted_on_share) == (1, 1, 100)
