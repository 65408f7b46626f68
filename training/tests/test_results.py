"""/training/results/: the rows behind training compliance and the average test score (issue 18).

The world: three modules required for AMs, pod leads and designers (module 1 is at version 2, the
others at 1). `am` passed module 0 (91) and failed module 1 (40); `other_am` passed module 1 on
its old version 1 (outdated) and module 2 (70); nobody else took anything. Every figure is
counted by hand from those facts, then from the page's rows.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import PodFactory, UserFactory
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def modules(db):
    roles = ["account_manager", "pod_lead", "designer"]
    return [TrainingModuleFactory(title=f"Module {n}", required_roles=roles, version=n % 2 + 1) for n in range(3)]


@pytest.fixture
def world(personas, modules):
    TrainingResultFactory(user=personas["am"], module=modules[0], version=1, score=91, passed=True)
    TrainingResultFactory(user=personas["am"], module=modules[1], version=2, score=40, passed=False)
    TrainingResultFactory(user=personas["other_am"], module=modules[1], version=1, score=88, passed=True)
    TrainingResultFactory(user=personas["other_am"], module=modules[2], version=1, score=70, passed=True)
    return personas


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


def test_the_rows_are_every_required_module_of_everyone_in_view(client, world, modules):
    client.force_login(world["leader"])
    rows = rows_of(client.get(reverse("training_results") + "?format=csv"))
    # pod lead, am, other_am, designer: 4 people × 3 modules.
    assert len(rows) == 12
    mine = {(r[0], r[2]): (r[4], r[5]) for r in rows}
    assert mine[(world["am"].get_full_name(), "Module 0")] == ("passed", "91.00")
    assert mine[(world["am"].get_full_name(), "Module 1")] == ("failed", "40.00")
    assert mine[(world["other_am"].get_full_name(), "Module 1")] == ("outdated version", "")
    assert mine[(world["designer"].get_full_name(), "Module 2")] == ("missing", "")


def test_the_figures_are_counted_from_the_rows_on_the_page(client, world):
    client.force_login(world["leader"])
    rows = rows_of(client.get(reverse("training_results") + "?format=csv"))
    passed = [r for r in rows if r[4] == "passed"]
    scored = [Decimal(r[5]) for r in rows if r[4] in ("passed", "failed")]
    # By hand: passed am/0 and other_am/2 → 2 of 12 = 17%; scored 91, 40, 70 → mean 67.
    assert len(passed) == 2 and sum(scored) / len(scored) == Decimal("67")
    page = client.get(reverse("training_results")).content.decode()
    assert ">17%<" in page and "2 of 12 rows below" in page and ">67.0<" in page
    # The same figure as the God-view tile and the panel (DESIGN's one definition).
    tile = re.search(r'kpi-training".*?kpi-value">([^<]*)<', client.get("/").content.decode(), re.S).group(1)
    panel = client.get(reverse("training_panel"), **HTMX).content.decode()
    assert tile.strip() == "17%" and ">17%</a>" in panel


def test_the_tile_and_the_panel_open_these_rows_with_their_filters(client, world, pod):
    client.force_login(world["leader"])
    dashboard = client.get(f"/?pod={pod.pk}").content.decode()
    assert f'href="/training/results/?pod={pod.pk}"' in dashboard
    panel = client.get(reverse("training_panel") + f"?pod={pod.pk}&am={world['am'].pk}", **HTMX).content.decode()
    assert f"/training/results/?pod={pod.pk}&amp;am={world['am'].pk}&amp;status=scored" in panel
    only_am = rows_of(client.get(reverse("training_results") + f"?am={world['am'].pk}&status=scored&format=csv"))
    assert sorted((r[2], r[5]) for r in only_am) == [("Module 0", "91.00"), ("Module 1", "40.00")]


@pytest.mark.parametrize(
    ("status", "count"), [("passed", 2), ("gap", 10), ("scored", 3), ("failed", 1), ("missing", 8), ("outdated", 1)]
)
def test_each_status_filter_narrows_the_rows(client, world, status, count):
    client.force_login(world["leader"])
    assert len(rows_of(client.get(reverse("training_results") + f"?status={status}&format=csv"))) == count


def test_a_module_filter_keeps_that_module(client, world, modules):
    client.force_login(world["leader"])
    rows = rows_of(client.get(reverse("training_results") + f"?module={modules[2].pk}&format=csv"))
    assert {r[2] for r in rows} == {"Module 2"} and len(rows) == 4


@pytest.mark.parametrize(
    ("who", "people"),
    [("leader", 4), ("pod_lead", 3), ("am", 1), ("other_am", 1)],
)
def test_each_role_sees_its_own_scope(client, world, who, people):
    client.force_login(world[who])
    rows = rows_of(client.get(reverse("training_results") + "?format=csv"))
    assert len({r[0] for r in rows}) == people


@pytest.mark.parametrize("query", ["status=everything", "module=999999", "pod=abc", "am=0", "role=chef"])
def test_bad_filters_are_a_400_with_a_message(client, world, query):
    client.force_login(world["leader"])
    assert client.get(reverse("training_results") + f"?{query}").status_code == 400


def test_a_pod_lead_cannot_look_at_another_pods_person(client, world):
    client.force_login(world["pod_lead"])
    assert client.get(reverse("training_results") + f"?am={world['other_am'].pk}").status_code == 400


def test_a_filter_change_swaps_the_rows_only(client, world):
    client.force_login(world["leader"])
    html = client.get(reverse("training_results") + "?status=failed", HTTP_HX_TARGET="results-body", **HTMX)
    body = html.content.decode()
    assert "<html" not in body and 'id="results-body"' in body and "1 row" in body


def test_an_empty_filter_says_so(client, world, modules):
    client.force_login(world["am"])
    body = client.get(reverse("training_results") + f"?module={modules[1].pk}&status=passed").content.decode()
    assert "No required module matches these filters." in body


@pytest.mark.parametrize("pods", [1, 6])
def test_the_rows_cost_the_same_queries_at_any_size(client, world, modules, django_assert_num_queries, pods):
    for _ in range(pods):
        team = PodFactory()
        for _ in range(3):
            TrainingResultFactory(user=UserFactory(role="account_manager", pod=team), module=modules[0])
    client.force_login(world["leader"])
    client.get(reverse("training_panel"), **HTMX)
    # session, user, modules, people, results, then the page's pods; the top bar's open actions.
    with django_assert_num_queries(7):
        assert client.get(reverse("training_results")).status_code == 200
