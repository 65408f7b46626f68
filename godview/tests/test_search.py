"""The top bar's search: clients, people and pods whose name holds every word typed, only among
those the reader may open, in a fixed number of queries; bad input is a 400 with a message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.tests.factories import ClientFactory
from conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(am, other_am, pod, other_pod, pod_lead):
    am.first_name, am.last_name = "Isla", "Mercier"
    am.save()
    return {
        "mine": ClientFactory(name="Harbour Dental Group", account_manager=am),
        "churned": ClientFactory(
            name="Harbour Lights",
            account_manager=am,
            lifecycle_stage="churned",
            churned_on="2026-01-05",
            churn_reason="price",
            mrr=0,
        ),
        "theirs": ClientFactory(name="Harbour Freight Partners", account_manager=other_am),
    }


def found(client, q: str, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/search/", {"q": q}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_leadership_finds_clients_people_and_pods_live_clients_first(client, leader, book, pod, other_pod):
    client.force_login(leader)
    body = found(client, "harbour")
    names = [n for n in ("Harbour Dental Group", "Harbour Freight Partners", "Harbour Lights") if n in body]
    assert names == ["Harbour Dental Group", "Harbour Freight Partners", "Harbour Lights"]
    assert body.index("Harbour Freight Partners") < body.index("Harbour Lights")  # the churned one last
    assert f"/clients/{book['mine'].pk}/" in body
    assert "Isla Mercier" in found(client, "isla merc")  # every word, in any name field
    assert "Isla Mercier" not in found(client, "am")  # a login name is not a name
    pods = found(client, "pod b")
    assert f"/pods/{other_pod.pk}/" in pods and f"/pods/{pod.pk}/" not in pods


def test_an_am_finds_only_their_own_clients_and_no_page_that_would_answer_404(client, am, book):
    client.force_login(am)
    body = found(client, "harbour")
    assert "Harbour Dental Group" in body and "Harbour Freight Partners" not in body
    pods = found(client, "pod")
    assert "/pods/" not in pods  # an AM cannot open a pod page
    assert client.get(f"/clients/{book['mine'].pk}/").status_code == 200


def test_a_pod_lead_finds_their_pod_and_its_people_only(client, pod_lead, pod, other_pod, other_am, am, book):
    client.force_login(pod_lead)
    body = found(client, "pod")
    assert f"/pods/{pod.pk}/" in body and f"/pods/{other_pod.pk}/" not in body
    assert f"/people/{am.pk}/" in found(client, "isla")
    assert f"/people/{other_am.pk}/" not in found(client, other_am.first_name)


def test_the_box_gets_a_short_list_and_the_page_the_long_one(client, leader, am):
    for n in range(12):
        ClientFactory(name=f"Northwind {n:02d}", account_manager=am)
    client.force_login(leader)
    short = found(client, "northwind", htmx=True)
    assert "<html" not in short and short.count("Northwind ") == 8 and "All results" in short
    page = found(client, "northwind")
    assert page.count("Northwind ") >= 12 and "<html" in page


def test_empty_and_unmatched_searches_say_so(client, leader, book):
    client.force_login(leader)
    assert "Type part of a client" in found(client, "   ")
    assert "Nothing matches “zzz”" in found(client, "zzz")
    assert found(client, "", htmx=True).strip() == ""


@pytest.mark.parametrize("q", ["x" * 101, "a\x00b"])
def test_a_search_too_long_or_with_a_nul_is_a_400_with_a_message(client, leader, q):
    client.force_login(leader)
    response = client.get("/search/", {"q": q})
    assert response.status_code == 400


def test_a_search_costs_the_same_queries_for_3_or_30_matches(client, leader, am):
    client.force_login(leader)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            found(client, "harbour", htmx=True)
        return len(ctx)

    ClientFactory.create_batch(3, name="Harbour Co", account_manager=am)
    few = cost()
    ClientFactory.create_batch(27, name="Harbour Co", account_manager=am)
    assert cost() == few <= 6  # session, user, clients, people, pods (and the open-action count)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "language"), [(1440, "en"), (390, "ar")])
def test_slash_opens_the_search_and_a_result_opens_its_page(page, live_server, leader, am, width, language):
    target = ClientFactory(name="Quayside Opticians", account_manager=am)
    page.set_viewport_size({"width": width, "height": 844})
    page.set_default_timeout(30_000)
    log_in(page, "leader")  # in English (it finds the fields by their labels), then the page in `language`
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == language
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "topbar-search"
    page.keyboard.type("quaysi")
    link = page.locator("#topbar-search-results a", has_text="Quayside Opticians")
    link.wait_for()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
    link.click()
    page.wait_for_url(f"**/clients/{target.pk}/")
    assert page.console_errors == []
