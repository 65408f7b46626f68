"""The pager of the tasks behind a tile (`/tasks/`): exact while the rows are few, last night's
figure past `core.pagination.EXACT_UPTO` (counting 400,000 overdue tasks at 10,000 clients cost
more than the page), said on the page."""

import datetime as dt
import re

import pytest

from clients.tests.factories import ClientFactory
from core import pagination
from core.weeks import today
from godview.rollup import rollup_day
from tasks.models import Task
from tasks.tests.factories import SourceFactory, TaskFactory

pytestmark = pytest.mark.django_db
NOTE = "last night's count"


@pytest.fixture
def overdue(am):
    """Five open tasks due before today; the rollup counts them; two more arrive after it."""
    mine, source = ClientFactory(account_manager=am), SourceFactory()
    for n in range(5):
        TaskFactory(source=source, client=mine, due_on=today() - dt.timedelta(days=1 + n))
    rollup_day(today())
    for n in range(2):
        TaskFactory(source=source, client=mine, due_on=today() - dt.timedelta(days=10 + n))
    return mine


def test_a_short_list_is_counted_exactly_and_says_nothing_more(client, leader, overdue):
    client.force_login(leader)
    page = client.get("/tasks/?kind=overdue")
    assert page.context["page"].paginator.count == 7  # the live rows, by hand: 5 + 2
    assert not page.context["page"].paginator.estimated
    assert NOTE not in page.content.decode()


def test_past_the_bound_the_count_is_the_rollups_and_the_page_says_so(client, leader, overdue, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UPTO", 3)
    client.force_login(leader)
    page = client.get("/tasks/?kind=overdue")
    paginator = page.context["page"].paginator
    assert paginator.estimated and paginator.count == 5  # the rollup's five, not the live seven
    html = page.content.decode()
    assert "5 open tasks due before today" in html and NOTE in html
    # The God-view's overdue tile shows the same figure.
    tile = re.search(r'kpi-overdue".*?kpi-value">([^<]*)<', client.get("/").content.decode(), re.S)
    assert tile.group(1).strip() == "5"
    # Pages are still live rows: the first holds every one of the seven (50 a page).
    assert len(page.context["page"].object_list) == 7 == Task.objects.count()


def test_the_rollup_figure_never_counts_below_what_was_seen(client, leader, am, monkeypatch):
    """Rows added since the rollup past the bound: the pager counts at least the rows it saw."""
    monkeypatch.setattr(pagination, "EXACT_UPTO", 3)
    mine, source = ClientFactory(account_manager=am), SourceFactory()
    for n in range(6):
        TaskFactory(source=source, client=mine, due_on=today() - dt.timedelta(days=1 + n))
    client.force_login(leader)  # no rollup yet: its figure is 0
    assert client.get("/tasks/?kind=overdue").context["page"].paginator.count == 4  # the bound + 1
