"""Issue 18, "A screen you can trust at every click": the server-side guards of each defect."""

import pytest

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
