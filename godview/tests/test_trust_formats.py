"""Issue 18, the defects not guarded elsewhere: 3b the "Goals done this week" tile after adding a
goal, 3c one wording of relative days, 7a one compact money rule per column, 7b money tiles with
their currency, 7c one short and one long date style, 7d the AM's client page with its header
once, 8a `make run` saying what it does, with timings, and the README warning that a first run
takes minutes."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from clients.models import WeeklyGoal
from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, ContactFactory
from core.numbers import money_text
from core.weeks import today, week_start

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def render(text: str, **context) -> str:
    return Template("{% load numbers %}" + text).render(Context(context))


# --- 3b. The tile moves with the goal ------------------------------------------------------------


def test_adding_a_goal_announces_it_and_the_tile_counts_it(client, am):
    acme = ClientFactory(account_manager=am)
    client.force_login(am)
    tile = re.compile(r"Goals done this week</div><div class=\"kpi-value\">(\d+) / (\d+)<")
    before = tile.search(client.get(reverse("my_clients")).content.decode()).groups()
    url = reverse("workspace_form", kwargs={"pk": acme.pk, "kind": "goal"})
    data = {"title": "Ship the landing page", "week": week_start(today()).isoformat(), "form_token": token()}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200 and "goalsChanged" in response["HX-Trigger"]
    assert WeeklyGoal.objects.filter(client=acme, title="Ship the landing page").exists()
    # The tile listens for that event (hx-trigger) and reloads from this address: it counts the goal.
    page = client.get(reverse("my_clients")).content.decode()
    assert re.search(r'id="my-kpis"[^>]*hx-trigger="[^"]*goalsChanged from:body', page)
    after = tile.search(page).groups()
    assert (int(after[0]), int(after[1])) == (int(before[0]), int(before[1]) + 1)


# --- 3c. "today", never "0 days ago" ----------------------------------------------------------------


def test_relative_days_read_today_then_days_ago_on_every_screen(client, am):
    on = today()
    assert render("{{ d|days_ago }}", d=on) == "today"
    assert render("{{ d|days_ago }}", d=on - dt.timedelta(days=1)) == "1 day ago"
    assert render("{{ d|days_ago }}", d=on - dt.timedelta(days=12)) == "12 days ago"
    acme = ClientFactory(account_manager=am, name="Acme")
    ContactFactory(client=acme, contacted_on=on)
    client.force_login(am)
    for url in (reverse("my_clients"), reverse("client_list"), reverse("client_workspace", kwargs={"pk": acme.pk})):
        body = client.get(url).content.decode()
        assert "0 days ago" not in body and "0 day ago" not in body, url
        assert "today" in body, url


# --- 7a/7b. Money: one compact rule, with the currency --------------------------------------------


def test_money_compacts_from_a_thousand_so_a_column_reads_alike():
    # 9,900 and 10,400 in one column: both in thousands ("9.9k", "10.4k"), never "9,900" beside "10.4k".
    assert [money_text(v) for v in (950, 9_900, 10_400, 1_234_567)] == ["950", "9.9k", "10.4k", "1.23M"]
    assert money_text(Decimal("9900"), "USD") == "9.9k USD"


def test_the_client_lists_mrr_column_and_the_money_tiles_carry_the_currency(client, leader, am):
    for name, mrr in (("Small", 950), ("Nine", 9_900), ("Ten", 10_400)):
        ClientFactory(account_manager=am, name=name, mrr=Decimal(mrr))
    client.force_login(leader)
    body = client.get(reverse("client_list")).content.decode()
    currency = settings.CURRENCY
    for shown in (f"950 {currency}", f"9.9k {currency}", f"10.4k {currency}"):
        assert shown in body
    assert "9,900" not in body
    dashboard = client.get("/").content.decode()
    money_tiles = re.findall(r'class="kpi kpi-(\w+)[^"]*"[^>]*>.*?class="kpi-value">([^<]*)<', dashboard, re.S)
    money = {key: value for key, value in money_tiles if key in ("mrr", "at_risk_mrr")}
    assert money and all(value.strip().endswith(currency) for value in money.values()), money


# --- 7c. Dates: one short style, one long style --------------------------------------------------


def test_dates_have_one_short_and_one_long_style_and_a_raw_date_reads_long():
    this_year = today().replace(month=11, day=3)
    last_year = this_year.replace(year=this_year.year - 1)
    assert render("{{ d|short_date }}", d=this_year) == "3 Nov"
    assert render("{{ d|short_date }}", d=last_year) == f"3 Nov {last_year.year}"
    assert render("{{ d|long_date }}", d=this_year) == f"3 November {this_year.year}"
    # A date a template shows as it is (Django's DATE_FORMAT) reads like the long style, not "Nov. 3, 2026".
    assert render("{{ d }}", d=this_year) == f"3 November {this_year.year}"


def test_the_lab_lists_dates_in_the_long_style(client, leader):
    client.force_login(leader)
    body = client.get("/lab/clients/", {"start": "2025-01-01", "end": "2025-12-31"}).content.decode()
    assert "1 January 2025" in body and "31 December 2025" in body and "Jan. 1" not in body


# --- 7d. The AM's client page shows its header once ------------------------------------------------


def test_the_account_managers_client_page_has_one_header(client, am):
    acme = ClientFactory(account_manager=am, name="Acme Rockets")
    client.force_login(am)
    page = client.get(reverse("client_detail", kwargs={"pk": acme.pk})).content.decode()
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert re.search(r"<h1[^>]*>\s*Acme Rockets", page)
    assert "?embedded=1" in page  # the action panel it loads comes without a header of its own
    panel = client.get(reverse("client_workspace", kwargs={"pk": acme.pk}) + "?embedded=1", **HTMX).content.decode()
    assert "panel-title-" not in panel and "<h1" not in panel
    alone = client.get(reverse("client_workspace", kwargs={"pk": acme.pk})).content.decode()  # on its own: one title
    assert len(re.findall(r'id="panel-title-', alone)) == 1


# --- 8a. The first run says what it does ----------------------------------------------------------


def test_make_run_prints_each_step_with_its_time_and_the_readme_says_the_first_run_takes_minutes():
    makefile = (ROOT / "Makefile").read_text()
    # Each step announces itself, then its time: install, migrate, demo data.
    for said, timed in (("Installing requirements.txt", "installed in"), ("Migrating the database", "migrated in"),
                        ("Demo data", "demo data ready in")):  # fmt: skip
        assert makefile.index(said) < makefile.index(timed), said
    assert makefile.count("$$(date +%s)") >= 6  # a start and an end for each of the three
    assert "--progress-bar on" in makefile  # pip is never silent
    readme = " ".join((ROOT / "README.md").read_text().replace("*", "").split())
    assert "The first run takes a few minutes" in readme, "the README warns of the first run"
