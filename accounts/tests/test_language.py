"""Choosing a language: the menu, the user's saved choice, the browser's before login."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def page_language(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', response.content.decode())
    assert match, "every page names its language and direction"
    return match.group(1), match.group(2)


def test_before_login_the_page_follows_the_browser(client):
    assert page_language(client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")) == ("fr", "ltr")
    assert page_language(client.get("/login/", HTTP_ACCEPT_LANGUAGE="ar")) == ("ar", "rtl")
    assert page_language(client.get("/login/", HTTP_ACCEPT_LANGUAGE="de")) == ("en", "ltr")


def test_the_login_page_offers_every_language(client):
    body = client.get("/login/").content.decode()
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in body
        assert name in body


def test_choosing_before_login_is_kept_in_a_cookie(client):
    response = client.post("/language/", {"language": "ru", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert page_language(client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr")) == ("ru", "ltr")


def test_a_signed_in_persons_choice_is_saved_and_wins_over_the_browser(client, am):
    client.force_login(am)
    client.post("/language/", {"language": "ar", "next": "/my/"})
    am.refresh_from_db()
    assert am.language == "ar"
    client.cookies.clear()  # another device: no cookie, a French browser
    client.force_login(am)
    assert page_language(client.get("/my/", HTTP_ACCEPT_LANGUAGE="fr")) == ("ar", "rtl")


def test_a_person_without_a_choice_follows_the_browser(client, am):
    client.force_login(am)
    assert page_language(client.get("/my/", HTTP_ACCEPT_LANGUAGE="ru")) == ("ru", "ltr")


def test_an_unknown_language_is_refused_and_nothing_is_saved(client, am):
    client.force_login(am)
    response = client.post("/language/", {"language": "xx"})
    assert response.status_code == 400
    am.refresh_from_db()
    assert am.language == ""


def test_the_menu_never_sends_anyone_to_another_site(client):
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_top_bar_has_the_menu_button_and_the_language_menu(client, am):
    client.force_login(am)
    body = client.get("/my/").content.decode()
    assert 'aria-controls="topbar-menu"' in body and 'id="topbar-menu"' in body
    assert 'action="/language/"' in body


def test_the_javascript_catalog_is_served_before_login(client):
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and b"gettext" in response.content
