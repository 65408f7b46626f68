"""A French, Russian or Arabic reader meets no English: every main screen as leadership and as an
AM shows no text of the English catalog (names and numbers aside), and emails come in the
recipient's language."""

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.models import Action, EarlyWarning
from clients.tests.factories import ClientFactory, ContactFactory, ObjectiveFactory, RiskAssessmentFactory
from conftest import load_catalog_tools
from core.weeks import today
from godview.alerts import send_early_warning_alerts, send_weekly_digest
from godview.tests.conftest import main_screens

pytestmark = pytest.mark.django_db
catalogs = load_catalog_tools()


def english_strings(language: str) -> set[str]:
    """The catalog's English strings that this language writes differently (an acronym or a name
    that stays the same, like "MRR", cannot tell a translated page from an English one)."""
    return {
        e.msgid
        for e in catalogs.messages(catalogs.parse(catalogs.catalog(language)))
        if e.msgid_plural is None and e.msgstr[0] != e.msgid and len(e.msgid) >= 3 and not re.search(r"[%{<]", e.msgid)
    }


def text_pieces(body: str) -> set[str]:
    """Each run of text between tags, and its parts around " · " (how labels are joined)."""
    body = re.sub(r"<(script|style|textarea)[^>]*>.*?</\1>", " ", body, flags=re.S)
    pieces = set()
    for run in re.findall(r">([^<]+)<", body):
        text = re.sub(r"\s+", " ", html.unescape(run)).strip(" :·—–-→←()")
        if text:
            pieces.add(text)
            pieces.update(part.strip(" :") for part in text.split(" · "))
    return pieces


@pytest.fixture
def book(pod, am, pod_lead, leader):
    client = ClientFactory(name="Acme", account_manager=am)
    ObjectiveFactory(client=client)
    RiskAssessmentFactory(client=client, score=2)
    ContactFactory(client=client, contacted_on=today() - dt.timedelta(days=30))
    EarlyWarning.objects.create(client=client, rule="stale_contact", reason="30", fired_on=today())
    Action.objects.create(client=client, owner=am, title="Ring Acme's CMO", due_on=today())
    return client


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
def test_no_english_catalog_text_is_left_on_a_translated_page(client, book, pod, am, leader, language):
    english = english_strings(language)
    people = {"leader": leader, "am": am}
    left = {}
    for who, paths in main_screens(book.pk, pod.pk, am.pk).items():
        people[who].language = language
        people[who].save(update_fields=["language"])
        client.force_login(people[who])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            found = sorted(text_pieces(response.content.decode()) & english)
            if found:
                left[path] = found[:5]
    assert left == {}


def test_the_login_page_is_in_the_browsers_language(client):
    pieces = text_pieces(client.get("/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    assert "Войти" in pieces and not pieces & english_strings("ru")


def test_alert_emails_come_in_the_ams_language(am, other_am):
    cache.clear()
    am.language = "fr"
    am.save(update_fields=["language"])
    for owner in (am, other_am):
        EarlyWarning.objects.create(
            client=ClientFactory(account_manager=owner), rule="stale_contact", reason="21", fired_on=today()
        )
    send_early_warning_alerts()
    french = next(m for m in mail.outbox if m.to == [am.email])
    english = next(m for m in mail.outbox if m.to == [other_am.email])
    assert "nouvelle alerte précoce" in french.subject and "Bonjour" in french.body
    assert "new early warning" in english.subject


def test_the_weekly_digest_goes_to_each_leader_in_their_language(leader, am):
    cache.clear()
    UserFactory(username="leader_ar", role=Role.LEADERSHIP, language="ar")
    EarlyWarning.objects.create(
        client=ClientFactory(account_manager=am), rule="risk_score", reason="1", fired_on=today()
    )
    assert send_weekly_digest() == 2
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects[(leader.email,)].startswith("God-view weekly digest")
    assert "الملخص الأسبوعي" in subjects[("leader_ar@agency.test",)]
    arabic = next(m for m in mail.outbox if m.to == ["leader_ar@agency.test"])
    assert "درجة المخاطر 1–2" in arabic.body  # the rule's name, in Arabic


def test_a_warnings_reason_is_stored_in_english_and_read_in_the_readers_language(client, book, leader, am):
    from godview.rollup import rollup_day

    with translation.override("fr"):  # a French request may be what runs the evaluation
        rollup_day(today())
    warning = EarlyWarning.objects.get(client=book, rule="stale_contact", resolved_on__isnull=True)
    assert warning.reason == "30 days since the last contact (Standard limit: 14)" and warning.saying["v"]["days"] == 30
    for user, path in ((leader, "/widgets/warnings/"), (leader, f"/clients/{book.pk}/"), (am, "/my/")):
        user.language = "fr"
        user.save(update_fields=["language"])
        client.force_login(user)
        body = client.get(path).content.decode()
        assert "30 jours depuis le dernier contact" in body, path
        assert "30 days since the last contact" not in body, path


def test_a_play_steps_action_reads_in_the_readers_language(client, book, am):
    Action.objects.create(client=book, owner=am, title="Call the main contact", due_on=today())
    am.language = "fr"
    am.save(update_fields=["language"])
    client.force_login(am)
    body = html.unescape(client.get("/my/").content.decode())
    assert "Appeler le contact principal" in body and "Call the main contact" not in body
    assert "Ring Acme's CMO" in body  # a title the AM typed stays as typed
