"""Early-warning emails: one per AM, new firings only, never twice; leadership's Monday digest."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.models import EarlyWarning
from clients.tests.factories import ClientFactory
from core.weeks import today
from godview import jobs
from godview.alerts import send_early_warning_alerts, send_weekly_digest

pytestmark = pytest.mark.django_db


def warn(client, rule="stale_contact", reason="No contact for 21 days", **kwargs) -> EarlyWarning:
    return EarlyWarning.objects.create(client=client, rule=rule, reason=reason, fired_on=today(), **kwargs)


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_each_am_gets_one_email_listing_the_new_warnings_of_their_clients(am, other_am):
    mine_a, mine_b = ClientFactory(name="Сибирский мёд", account_manager=am), ClientFactory(account_manager=am)
    theirs = ClientFactory(account_manager=other_am)
    warn(mine_a)
    warn(mine_a, rule="risk_score", reason="Risk score 1")
    warn(mine_b, rule="overdue_tasks", reason="4 overdue tasks")
    warn(theirs)

    result = send_early_warning_alerts()

    assert (result.emails, result.warnings) == (2, 4)
    to_am = next(m for m in mail.outbox if m.to == [am.email])
    assert "3 new early warnings" in to_am.subject
    assert "Сибирский мёд" in to_am.body
    assert "Risk score 1" in to_am.body
    assert "4 overdue tasks" in to_am.body
    assert "No contact for 21 days" in to_am.alternatives[0][0]
    assert EarlyWarning.objects.filter(notified_at__isnull=True).count() == 0


def test_a_warning_is_never_alerted_twice(am):
    warn(ClientFactory(account_manager=am))
    send_early_warning_alerts()
    mail.outbox.clear()

    result = jobs.send_early_warning_alerts.apply().get()

    assert result == 0
    assert mail.outbox == []


def test_resolved_and_already_notified_warnings_are_left_out(am):
    client = ClientFactory(account_manager=am)
    warn(client, rule="risk_score", resolved_on=today())
    warn(client, rule="stale_contact", notified_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    fresh = warn(client, rule="nps_detractor", reason="NPS 3 on 2 Nov")

    send_early_warning_alerts()

    assert len(mail.outbox) == 1
    assert "NPS 3 on 2 Nov" in mail.outbox[0].body
    assert "21 days" not in mail.outbox[0].body
    fresh.refresh_from_db()
    assert fresh.notified_at is not None


def test_a_failed_send_leaves_the_warnings_for_the_next_run(am, settings):
    warn(ClientFactory(account_manager=am))
    settings.MAILERS = {"default": {"BACKEND": "godview.tests.test_alerts.BrokenBackend"}}

    with pytest.raises(ConnectionRefusedError):
        send_early_warning_alerts()

    assert EarlyWarning.objects.filter(notified_at__isnull=True).count() == 1


def test_clients_without_an_am_email_do_not_block_the_others(am):
    nobody = UserFactory(username="noemail", email="")
    warn(ClientFactory(account_manager=nobody))
    warn(ClientFactory(account_manager=am))

    result = send_early_warning_alerts()

    assert result.emails == 1
    assert mail.outbox[0].to == [am.email]


def test_leadership_gets_one_weekly_digest_with_the_open_warnings(leader, am):
    UserFactory(username="leader2", role=Role.LEADERSHIP)
    warn(ClientFactory(name="شركة الواحة", account_manager=am), rule="risk_score", reason="Risk score 1")
    warn(ClientFactory(account_manager=am), resolved_on=today())

    sent = send_weekly_digest()
    again = jobs.send_weekly_digest.apply().get()

    assert (sent, again) == (2, 0)
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {leader.email, "leader2@agency.test"}
    digest = mail.outbox[0]
    assert "1 open early warning" in digest.subject
    assert "شركة الواحة" in digest.body
    assert "Risk score 1" in digest.body


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")
