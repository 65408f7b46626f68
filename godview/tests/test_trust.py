"""Issue 18, "A screen you can trust at every click": the server-side guards of each defect."""

import re

import pytest

from clients.models import ChurnReason
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


# --- 8. First run: the product's own 404 even with DEBUG on -------------------------------


def test_with_debug_on_an_out_of_scope_client_answers_the_products_404_not_djangos(client, am, other_am, settings):
    settings.DEBUG = True
    theirs = ClientFactory(account_manager=other_am)
    client.force_login(am)
    response = client.get(f"/clients/{theirs.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "outside what you can see" in body
    assert "URLconf" not in body and "Django tried these URL patterns" not in body


def test_with_debug_on_an_unknown_address_answers_the_products_404(client, am, settings):
    settings.DEBUG = True
    client.force_login(am)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "outside what you can see" in response.content.decode()
    assert "URLconf" not in response.content.decode()


def test_djangos_technical_404_shows_only_when_asked_for(client, am, settings):
    settings.DEBUG = True
    settings.DEBUG_PAGES = True
    client.force_login(am)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


# --- 6. No link to a page that answers 404; no team widgets for one AM; the AM list follows the pod


def person_and_pod_links(html: str) -> set[str]:
    return set(re.findall(r'href="(/(?:pods|people)/\d+/)', html))


@pytest.mark.parametrize("persona", ["am", "designer", "pod_lead", "leader"])
def test_every_pod_and_person_link_a_viewer_is_shown_opens_for_them(client, personas, persona, pod, other_pod):
    from godview.tests.conftest import build_clients

    build_clients(6, [personas["am"], personas["other_am"]])
    mine = ClientFactory(account_manager=personas["am"])
    client.force_login(personas[persona])
    pages = ["/", f"/clients/{mine.pk}/", f"/people/{personas[persona].pk}/"]
    pages += [f"/widgets/{name}/" for name in ("people", "performers", "pods")]
    links = set()
    for url in pages:
        response = client.get(url, headers={"HX-Request": "true"} if "widgets" in url else {})
        if response.status_code == 200:
            links |= person_and_pod_links(response.content.decode())
    for link in links:
        assert client.get(link).status_code == 200, f"{persona} is shown {link}, which answers 404"
    if persona == "leader":
        assert links  # the check has something to check


def test_an_account_manager_dashboard_has_no_team_widgets(client, am):
    client.force_login(am)
    html = client.get("/").content.decode()
    assert 'id="people"' not in html and 'id="performers"' not in html and 'id="pods"' not in html
    assert 'id="training-gaps"' in html


def test_a_pod_named_pod_atlas_is_titled_once(client, leader):
    from accounts.tests.factories import PodFactory

    atlas = PodFactory(name="Pod Atlas")
    client.force_login(leader)
    html = client.get(f"/pods/{atlas.pk}/").content.decode()
    assert "<h1>Pod Atlas</h1>" in html
    assert "Pod Pod" not in html


def test_the_account_manager_filter_lists_only_the_chosen_pods_people(client, leader, am, other_am, pod):
    client.force_login(leader)
    html = client.get(f"/?pod={pod.pk}").content.decode()
    options = re.search(r'<select name="am".*?</select>', html, re.S).group(0)
    assert f'value="{am.pk}"' in options
    assert f'value="{other_am.pk}"' not in options
    # An AM of another pod is dropped (Everyone), not a 400.
    response = client.get(f"/?pod={pod.pk}&am={other_am.pk}")
    assert response.status_code == 200
    options = re.search(r'<select name="am".*?</select>', response.content.decode(), re.S).group(0)
    assert f'value="{other_am.pk}"' not in options


def test_a_large_agencys_account_manager_list_waits_for_a_pod_and_any_person_still_filters(
    client, leader, am, pod, monkeypatch
):
    from accounts.models import Role
    from accounts.tests.factories import PodFactory, UserFactory
    from godview import forms

    monkeypatch.setattr(forms, "AM_LIST_LIMIT", 5)
    elsewhere = PodFactory(name="Pod Elsewhere")
    others = [UserFactory(role=Role.ACCOUNT_MANAGER, pod=elsewhere) for _ in range(5)]
    client.force_login(leader)

    def am_options(url: str) -> list[str]:
        response = client.get(url)
        assert response.status_code == 200
        select = re.search(r'<select name="am".*?</select>', response.content.decode(), re.S).group(0)
        return re.findall(r'<option value="(\d*)"', select)

    # Six people, over the limit of five: Everyone only, asking for a pod.
    assert am_options("/") == [""]
    assert "choose a pod to list its people" in client.get("/").content.decode()
    # The pod's people once a pod is chosen (under the limit).
    assert am_options(f"/?pod={elsewhere.pk}") == ["", *sorted((str(u.pk) for u in others), key=int)] or set(
        am_options(f"/?pod={elsewhere.pk}")
    ) == {"", *(str(u.pk) for u in others)}
    # A person chosen without a pod (a link from their page, a saved view) filters and is shown.
    assert am_options(f"/?am={am.pk}") == ["", str(am.pk)]
    assert "selected>" in client.get(f"/?am={am.pk}").content.decode()


def test_a_filter_change_swaps_the_filter_bar_too(client, leader, pod, am):
    client.force_login(leader)
    html = client.get(f"/?pod={pod.pk}", headers={"HX-Request": "true", "HX-Target": "dashboard-body"}).content.decode()
    assert "<html" not in html
    assert 'id="filters-dashboard-body"' in html and 'hx-swap-oob="true"' in html


# --- 3. Figures that agree --------------------------------------------------------------------


def test_training_compliance_reads_the_same_on_the_tile_the_panel_and_the_training_page(client, leader, am, other_am):
    from accounts.models import Role
    from training.tests.factories import TrainingModuleFactory

    a = TrainingModuleFactory(title="A", required_roles=[Role.ACCOUNT_MANAGER], version=2)
    b = TrainingModuleFactory(title="B", required_roles=[Role.ACCOUNT_MANAGER], version=2)
    from training.models import TrainingResult

    def result(user, module, version, passed):
        TrainingResult.objects.create(
            user=user, module=module, version=version, score=90 if passed else 40, passed=passed,
            completed_on="2026-01-05",
        )  # fmt: skip

    # am: A passed (current version), B passed on the old version only: 1 of 2.
    # other_am: A failed, B passed: 1 of 2. By hand: 2 passed of 4 required = 50%.
    result(am, a, 2, True)
    result(am, b, 1, True)
    result(other_am, a, 2, False)
    result(other_am, b, 2, True)
    client.force_login(leader)
    tile = re.search(r'kpi-training".*?kpi-value">([^<]*)<', client.get("/").content.decode(), re.S).group(1)
    panel = client.get("/training/panel/", headers={"HX-Request": "true"}).content.decode()
    assert tile.strip() == "50%"
    assert ">50%<" in panel


# --- 4. Every figure opens the rows behind it; every tile says how it is computed --------------


def csv_rows(response) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))[1:]


def kpi_note(html: str, key: str) -> str:
    return re.search(rf'kpi-{key}".*?kpi-note muted">([^<]*)<', html, re.S).group(1).strip()


def test_on_time_and_overdue_tiles_open_the_tasks_they_count(client, leader, am):
    import datetime as dt

    from core.weeks import agency_tz, today
    from godview.forms import parse_filters
    from godview.rollup import rollup_day
    from tasks.tests.factories import SourceFactory, TaskFactory

    _form, filters = parse_filters({}, leader)
    day = filters.start + dt.timedelta(days=3)
    at = lambda d, h: dt.datetime.combine(d, dt.time(h), tzinfo=agency_tz())  # noqa: E731
    mine = ClientFactory(account_manager=am)
    source = SourceFactory()
    made = dict(source=source, client=mine, created_at_source=at(day - dt.timedelta(days=9), 9))
    TaskFactory(**made, due_on=day, completed_at=at(day, 10))  # on time
    TaskFactory(**made, due_on=day, completed_at=at(day + dt.timedelta(days=2), 10))  # late
    TaskFactory(**made, due_on=day)  # open: counted due, and overdue today
    # Moved later at the source: it still counts on its original date, and it was late for it.
    TaskFactory(**made, original_due_on=day, due_on=day + dt.timedelta(days=5), completed_at=at(day, 23) +
                dt.timedelta(days=1))  # fmt: skip
    rollup_day(day)
    rollup_day(today())
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert 'href="/tasks/?kind=on_time"' in html and 'href="/tasks/?kind=overdue"' in html

    rows = csv_rows(client.get("/tasks/?kind=on_time&format=csv"))
    on_time = sum(1 for r in rows if r[-1] == "yes")
    assert (on_time, len(rows)) == (1, 4)  # by hand, from the four tasks
    assert kpi_note(html, "on_time") == f"{on_time}/{len(rows)}"

    overdue = csv_rows(client.get("/tasks/?kind=overdue&format=csv"))
    assert len(overdue) == 1  # by hand: the one still open
    shown = re.search(r'kpi-overdue".*?kpi-value">([^<]*)<', html, re.S).group(1).strip()
    assert shown == str(len(overdue))


def test_a_heatmap_cell_opens_the_goals_of_its_pod_and_week(client, leader, am, other_am, pod):
    from godview import charts, goal_figures
    from godview.forms import parse_filters
    from godview.tests.conftest import build_clients

    build_clients(6, [am, other_am])
    _form, filters = parse_filters({}, leader)
    heat = goal_figures.goal_heatmap(goal_figures.scoped_goal_weeks(leader, filters), filters)
    figure, _table = charts.goal_heatmap(heat)
    trace = figure["data"][0]
    row = next(i for i, r in enumerate(heat["rows"]) if r["key"] == pod.pk)
    col = next(j for j, cell in enumerate(heat["rows"][row]["cells"]) if cell[2])
    link, (_monday, _hit, due) = trace["customdata"][row][col], heat["rows"][row]["cells"][col]
    assert link.startswith(f"/goals/?pod={pod.pk}&week=")
    client.force_login(leader)
    html = client.get(link).content.decode()
    assert f"{due} goals of the week of" in html


def test_every_tile_says_how_it_is_computed_and_the_glossary_defines_it(client, leader):
    client.force_login(leader)
    html = client.get("/").content.decode()
    glossary = client.get("/glossary/").content.decode()
    keys = re.findall(r'class="kpi kpi-([a-z_]+)"[^>]*title="([^"]+)"', html)
    assert len(keys) >= 11
    for key, title in keys:
        assert f'id="{key}"' in glossary, key
        assert title.strip(), key
    assert 'href="/glossary/"' in html


def test_the_nrr_tile_opens_the_clients_and_mrr_it_divides(client, leader, am):
    import datetime as dt
    from decimal import Decimal

    from clients.models import RevenueEvent
    from core.weeks import today

    year_ago, last_month = today() - dt.timedelta(days=400), today() - dt.timedelta(days=30)
    grew = ClientFactory(name="Grew", account_manager=am, started_on=year_ago)
    left = ClientFactory(
        name="Left",
        account_manager=am,
        started_on=year_ago,
        churned_on=last_month,
        lifecycle_stage="churned",
        churn_reason=ChurnReason.values[0],
    )
    fresh = ClientFactory(name="Fresh", account_manager=am, started_on=last_month)
    for who, kind, amount, on in [
        (grew, "new", 1000, year_ago), (grew, "expansion", 200, last_month),
        (left, "new", 500, year_ago), (left, "churn", 500, last_month), (fresh, "new", 300, last_month),
    ]:  # fmt: skip
        RevenueEvent.objects.create(client=who, kind=kind, amount=Decimal(amount), occurred_on=on)
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert 'href="/retention/"' in html
    assert re.search(r'kpi-nrr".*?kpi-value">([^<]*)<', html, re.S).group(1).strip() == "80%"  # 1,200 ÷ 1,500
    rows = csv_rows(client.get("/retention/?format=csv"))
    assert sorted((r[0], Decimal(r[1]), Decimal(r[2])) for r in rows) == [("Grew", 1000, 1200), ("Left", 500, 0)]
    page = client.get("/retention/").content.decode()
    assert "NRR 80%" in page and "Fresh" not in page


def test_the_row_lists_show_only_the_viewers_clients(client, am, other_am):
    from core.weeks import today
    from tasks.tests.factories import TaskFactory

    theirs = ClientFactory(name="Theirs Ltd", account_manager=other_am)
    mine = ClientFactory(name="Mine Ltd", account_manager=am)
    for c in (theirs, mine):
        TaskFactory(client=c, due_on=today().replace(day=1) if today().day > 1 else today(), name=f"{c.name} task")
    client.force_login(am)
    for url in ("/tasks/?kind=overdue", "/tasks/?kind=on_time", "/retention/"):
        html = client.get(url).content.decode()
        assert "Theirs Ltd" not in html, url
