"""Notifications (issue 14 part 7): the open-action count in the top bar, actions in the alert
emails and the digest, and each pod's chat channel posted after the nightly run, against a local
fake webhook server (loopback only, bounded)."""

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Pod
from clients.models import Action, EarlyWarning
from clients.tests.factories import ClientFactory, RiskAssessmentFactory, TierFactory
from core.weeks import today
from godview import webhooks
from godview.alerts import send_early_warning_alerts, send_weekly_digest
from godview.webhooks import WebhookError, post_pod_webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def act(client, title, owner=None, due=0, **fields) -> Action:
    return Action.objects.create(
        client=client,
        title=title,
        owner=owner or client.account_manager,
        due_on=today() + dt.timedelta(days=due),
        **fields,
    )


# --- the top bar ---------------------------------------------------------------------------------


def test_the_top_bar_counts_the_persons_open_actions_only(client, am, other_am):
    mine = ClientFactory(account_manager=am)
    act(mine, "Call")
    act(mine, "Recap", due=-3)
    act(mine, "Done already", status="done", outcome_note="Called", closed_at=timezone.now())
    act(mine, "Someone else's", owner=other_am)
    client.force_login(am)
    page = client.get(reverse("goal_list")).content.decode()
    assert "2 open actions" in page
    client.force_login(other_am)
    assert "1 open action<" in client.get(reverse("goal_list")).content.decode()


def test_a_partial_does_not_pay_for_the_top_bar_count(client, leader, pod):
    act(ClientFactory(account_manager=leader), "Call")
    client.force_login(leader)
    client.get("/goals/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("pod_meetings", args=[pod.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert not any("clients_action" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:  # the page with the top bar: one count
        assert "1 open action<" in client.get(reverse("goal_list")).content.decode()
    assert sum("clients_action" in q["sql"] for q in queries.captured_queries) == 1


# --- emails ----------------------------------------------------------------------------------


def test_the_alert_email_lists_the_ams_new_overdue_and_closed_actions(am, other_am):
    mine = ClientFactory(account_manager=am, name="Acme")
    EarlyWarning.objects.create(client=mine, rule="stale_contact", reason="No contact", fired_on=today())
    act(mine, "Send the value recap", due=2)
    old = act(mine, "Book the QBR", due=-4)
    done = act(mine, "Called the sponsor", status="done", outcome_note="Renewal agreed", closed_at=timezone.now())
    Action.objects.filter(pk__in=[old.pk, done.pk]).update(created_at=timezone.now() - dt.timedelta(days=6))
    act(ClientFactory(account_manager=other_am), "Not mine", due=-4)

    send_early_warning_alerts()

    (email,) = [m for m in mail.outbox if m.to == [am.email]]
    body, html = email.body, email.alternatives[0][0]
    assert "New action (1):" in body and "Send the value recap" in body.split("Overdue")[0]
    assert "Overdue action (1):" in body and "Book the QBR" in body.split("Overdue")[1]
    assert "Closed action (1):" in body and "Called the sponsor: Done — Renewal agreed" in body
    assert "Not mine" not in body
    assert "Renewal agreed" in html and "Book the QBR" in html


def test_the_weekly_digest_lists_the_weeks_actions_with_outcomes(leader, am):
    mine = ClientFactory(account_manager=am, name="Acme")
    act(mine, "Fresh one", due=3)
    act(mine, "Late one", due=-2)
    act(mine, "Dropped one", status="dropped", drop_reason="Client paused the project", closed_at=timezone.now())
    old = act(
        mine, "Closed long ago", status="done", outcome_note="x", closed_at=timezone.now() - dt.timedelta(days=20)
    )
    Action.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))

    send_weekly_digest()

    (digest,) = mail.outbox
    assert "New actions (3):" in digest.body  # fresh, late and dropped were created this week
    assert "Overdue action (1):" in digest.body and "Late one" in digest.body
    assert "Dropped one: Dropped — Client paused the project" in digest.body
    assert "Closed long ago" not in digest.body
    assert "/actions/" in digest.body


# --- the pod's chat channel ------------------------------------------------------------------


class FakeWebhook:
    """A loopback HTTP server answering each POST with the next scripted (status, headers)."""

    def __init__(self, script: list[tuple[int, dict]]) -> None:
        self.script, self.bodies = list(script), []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                status, headers = fake.script.pop(0) if fake.script else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 2
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/secret-token"

    @property
    def texts(self) -> list[str]:
        return [body["text"] for body in self.bodies]


@pytest.fixture
def fake_webhook() -> Iterator:
    servers = []

    def start(*script: tuple[int, dict]) -> FakeWebhook:
        fake = FakeWebhook(list(script))
        threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(fake)
        return fake

    yield start
    for fake in servers:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The backoff waits, recorded instead of slept, so the tests stay fast and bounded."""
    waited: list[float] = []
    monkeypatch.setattr(webhooks.time, "sleep", waited.append)
    return waited


def channel(pod: Pod, url: str, kind: str = "slack") -> Pod:
    Pod.objects.filter(pk=pod.pk).update(webhook_url=url, webhook_kind=kind)
    pod.refresh_from_db()
    return pod


def test_new_high_priority_firings_and_overdue_actions_are_posted_once(fake_webhook, sleeps, am, pod):
    fake = fake_webhook()
    channel(pod, fake.url)
    risky = ClientFactory(account_manager=am, name="Risky Ltd")
    RiskAssessmentFactory(client=risky, score=1)
    premium = ClientFactory(account_manager=am, name="Premium Co", tier=TierFactory(code="premium", is_premium=True))
    calm = ClientFactory(account_manager=am, name="Calm Inc")
    RiskAssessmentFactory(client=calm, score=4)
    for c in (risky, premium, calm):
        EarlyWarning.objects.create(client=c, rule="stale_contact", reason="No contact for 20 days", fired_on=today())
    act(calm, "Book the QBR", due=-3)

    (result,) = post_pod_webhooks()

    assert result.posted and (result.firings, result.overdue) == (2, 1)
    (text,) = fake.texts
    assert "Risky Ltd" in text and "Premium Co" in text and "Calm Inc: Book the QBR" in text
    assert "Calm Inc: Stale contact" not in text  # low priority: risk 4, standard tier
    pod.refresh_from_db()
    assert pod.webhook_posted_through == EarlyWarning.objects.latest("pk").pk
    assert pod.webhook_last_success_at and pod.webhook_last_failure == ""
    Action.objects.all().delete()
    post_pod_webhooks()  # the same firings are not posted again, and nothing else is new
    assert len(fake.bodies) == 1
    # A firing stored later for an earlier day (the rollup redoes yesterday) is still new.
    EarlyWarning.objects.create(
        client=risky, rule="overdue_tasks", reason="4 overdue tasks", fired_on=today() - dt.timedelta(days=1)
    )
    post_pod_webhooks()
    assert len(fake.bodies) == 2 and "4 overdue tasks" in fake.texts[1] and "No contact" not in fake.texts[1]


def test_a_429_and_a_503_are_retried_with_backoff(fake_webhook, sleeps, am, pod):
    fake = fake_webhook((429, {"Retry-After": "3"}), (503, {}), (200, {}))
    channel(pod, fake.url, kind="teams")
    act(ClientFactory(account_manager=am), "Late", due=-1)

    (result,) = post_pod_webhooks()

    assert result.posted and len(fake.bodies) == 3
    assert sleeps == [3.0, 1.0]  # the server's Retry-After, then the doubled backoff
    assert fake.bodies[0]["@type"] == "MessageCard"


def test_retries_are_bounded_and_the_failure_is_shown_on_the_pod_page_without_the_url(
    fake_webhook, sleeps, am, pod, leader, client, caplog
):
    fake = fake_webhook(*[(500, {})] * 10)
    channel(pod, fake.url)
    act(ClientFactory(account_manager=am), "Late", due=-1)

    with caplog.at_level(logging.DEBUG), pytest.raises(WebhookError):
        post_pod_webhooks()

    assert len(fake.bodies) == webhooks.MAX_ATTEMPTS == 4
    assert sleeps == [0.5, 1.0, 2.0]
    pod.refresh_from_db()
    assert "answered 500" in pod.webhook_last_failure and "Gave up after 4 attempts" in pod.webhook_last_failure
    assert pod.webhook_posted_through is None  # nothing counts as posted: the next night tries again
    assert "secret-token" not in caplog.text and "http://127.0.0.1/…" in caplog.text
    client.force_login(leader)
    page = client.get(reverse("pod_detail", args=[pod.pk])).content.decode()
    assert "The last post failed" in page and "Gave up after 4 attempts" in page
    assert "secret-token" not in page


def test_a_404_is_permanent_and_not_retried(fake_webhook, sleeps, am, pod):
    fake = fake_webhook((404, {}))
    channel(pod, fake.url)
    act(ClientFactory(account_manager=am), "Late", due=-1)
    with pytest.raises(WebhookError):
        post_pod_webhooks()
    assert len(fake.bodies) == 1 and sleeps == []
    pod.refresh_from_db()
    assert "Check the webhook URL in admin." in pod.webhook_last_failure


def test_one_pods_failure_does_not_stop_the_others(fake_webhook, sleeps, am, other_am, pod, other_pod):
    broken, working = fake_webhook((400, {})), fake_webhook()
    channel(pod, broken.url)
    channel(other_pod, working.url)
    act(ClientFactory(account_manager=am), "Late A", due=-1)
    act(ClientFactory(account_manager=other_am), "Late B", due=-1)
    with pytest.raises(WebhookError, match="1 pod's chat post failed"):
        post_pod_webhooks()
    assert len(working.texts) == 1 and "Late B" in working.texts[0]


def test_a_pod_without_a_channel_or_news_posts_nothing(fake_webhook, sleeps, am, pod, other_pod):
    fake = fake_webhook()
    channel(pod, fake.url)
    (result,) = post_pod_webhooks()  # other_pod has no channel: not even tried
    assert (result.pod.pk, result.posted) == (pod.pk, False)
    assert fake.bodies == []
    assert Pod.objects.get(pk=pod.pk).webhook_posted_through == 0  # no firings yet


def test_the_admin_pod_list_masks_the_webhook_url(client, admin_user, pod):
    channel(pod, "https://hooks.slack.com/services/T000/B000/secret-token")
    client.force_login(admin_user)
    page = client.get("/admin/accounts/pod/").content.decode()
    assert "https://hooks.slack.com/…" in page and "secret-token" not in page
