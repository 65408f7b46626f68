"""The pod's chat channel: after the nightly run, a Slack or Teams incoming webhook gets the pod's
new high-priority early warnings and its overdue actions.

A firing is high priority when its client's current risk score is 1 or 2 or the client is
premium. Each firing is posted once: `Pod.webhook_posted_through` (the highest early-warning id
looked at) advances only with a successful post; a channel's first post looks back two days.
A 429 or 5xx (or a network error) is retried with backoff, a bounded number of times; any other
answer is permanent. The outcome is kept on the pod (last post, last failure in words) for the
pod page. The URL is a credential: it is never logged, and shown only masked (`mask_url`).
"""

import contextlib
import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Pod, mask_url
from clients.action_selectors import current_risk
from clients.models import Action, EarlyWarning
from core.weeks import today

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.5  # doubled after each attempt: 0.5, 1, 2
MAX_WAIT_SECONDS = 10.0  # a Retry-After beyond this is cut to it
TIMEOUT_SECONDS = 5.0
FIRST_RUN_DAYS = 2  # a channel's first post covers the nightly run's days, not all history
LISTED = 10


class WebhookError(Exception):
    """The post failed; the message is for people (the pod page) and holds no URL."""


class RetryableWebhookError(WebhookError):
    def __init__(self, message: str, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class PodPost:
    pod: Pod
    firings: int
    overdue: int
    posted: bool
    error: str = ""


def high_priority_firings(pod: Pod, after_id: int | None, through_id: int, on: dt.date):
    """Open high-priority firings on the pod's clients stored after `after_id` up to `through_id`
    (the first time: those of the last FIRST_RUN_DAYS days)."""
    window = Q(pk__gt=after_id) if after_id is not None else Q(fired_on__gte=on - dt.timedelta(days=FIRST_RUN_DAYS))
    return (
        EarlyWarning.objects.filter(
            window,
            pk__lte=through_id,
            client__account_manager__pod=pod,
            client__churned_on__isnull=True,
            resolved_on__isnull=True,
        )
        .annotate(risk=current_risk("client_id"))
        .filter(Q(risk__lte=2) | Q(client__tier__is_premium=True))
        .select_related("client")
        .order_by("-fired_on", "client__name", "rule")
    )


def overdue_actions(pod: Pod, on: dt.date):
    return (
        Action.objects.filter(client__account_manager__pod=pod, status=Action.Status.OPEN, due_on__lt=on)
        .select_related("client", "owner")
        .order_by("due_on", "pk")
    )


def message(pod: Pod, firings: list[EarlyWarning], overdue: list[Action], overdue_count: int, site: str) -> str:
    lines = [_("God-view · %(pod)s") % {"pod": pod.name}]
    if firings:
        lines.append(
            ngettext("%(n)d new high-priority early warning:", "%(n)d new high-priority early warnings:", len(firings))
            % {"n": len(firings)}
        )
        lines += [f"• {w.client.name}: {w.get_rule_display()} ({w.text})" for w in firings[:LISTED]]
    if overdue_count:
        lines.append(ngettext("%(n)d overdue action:", "%(n)d overdue actions:", overdue_count) % {"n": overdue_count})
        lines += [
            f"• {a.client.name}: {a.title} ({a.owner or '—'}, {_('due')} {a.due_on.isoformat()})"
            for a in overdue[:LISTED]
        ]
    lines.append(f"{site.rstrip('/')}{reverse('pod_detail', args=[pod.pk])}")
    return "\n".join(lines)


def payload(kind: str, text: str) -> dict:
    if kind == "teams":  # an Office 365 connector card; Teams shows `text`
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": "God-view",
            "text": text,
        }
    return {"text": text}


def backoff(attempt: int, retry_after: str | None = None) -> float:
    """Seconds before attempt `attempt + 1`: doubling from BACKOFF_SECONDS, or the server's
    Retry-After (in seconds) when longer; never more than MAX_WAIT_SECONDS."""
    wait = BACKOFF_SECONDS * 2 ** (attempt - 1)
    with contextlib.suppress(ValueError):  # an HTTP date instead of seconds: our own backoff
        wait = max(wait, float(retry_after)) if retry_after else wait
    return min(wait, MAX_WAIT_SECONDS)


def _post_once(url: str, body: bytes) -> None:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        text = _("The channel answered %(status)s %(reason)s.") % {"status": error.code, "reason": error.reason}
        if error.code == 429 or error.code >= 500:
            raise RetryableWebhookError(text, error.headers.get("Retry-After") if error.headers else None) from None
        raise WebhookError(text + " " + _("Check the webhook URL in admin.")) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RetryableWebhookError(_("The channel could not be reached (%(reason)s).") % {"reason": reason}) from None


def post(url: str, data: dict, sleep: Callable[[float], None] | None = None) -> int:
    """POST `data` as JSON; 429/5xx/network errors retried with backoff, at most MAX_ATTEMPTS
    times in all. Returns the attempts used; raises WebhookError with a message for people."""
    body = json.dumps(data).encode()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            _post_once(url, body)
            return attempt
        except RetryableWebhookError as error:
            if attempt == MAX_ATTEMPTS:
                raise WebhookError(
                    _("%(error)s Gave up after %(n)d attempts; the next nightly run tries again.")
                    % {"error": error, "n": attempt}
                ) from None
            (sleep or time.sleep)(backoff(attempt, error.retry_after))
    raise AssertionError("unreachable")


def post_pod(pod: Pod, on: dt.date, site: str, sleep: Callable[[float], None] | None = None) -> PodPost:
    through = EarlyWarning.objects.aggregate(latest=Max("pk"))["latest"] or 0
    firings = list(high_priority_firings(pod, pod.webhook_posted_through, through, on))
    overdue_qs = overdue_actions(pod, on)
    overdue, overdue_count = list(overdue_qs[:LISTED]), overdue_qs.count()
    if not firings and not overdue_count:
        Pod.objects.filter(pk=pod.pk).update(webhook_posted_through=through)
        return PodPost(pod, 0, 0, posted=False)
    try:
        attempts = post(
            pod.webhook_url, payload(pod.webhook_kind, message(pod, firings, overdue, overdue_count, site)), sleep
        )
    except WebhookError as error:
        log.warning("pod %s: chat webhook %s failed: %s", pod.pk, mask_url(pod.webhook_url), error)
        Pod.objects.filter(pk=pod.pk).update(
            webhook_last_failure_at=timezone.now(), webhook_last_failure=str(error)[:300]
        )
        return PodPost(pod, len(firings), overdue_count, posted=False, error=str(error))
    log.info("pod %s: posted to %s in %s attempt(s)", pod.pk, mask_url(pod.webhook_url), attempts)
    Pod.objects.filter(pk=pod.pk).update(
        webhook_posted_through=through, webhook_last_success_at=timezone.now(), webhook_last_failure=""
    )
    return PodPost(pod, len(firings), overdue_count, posted=True)


def post_pod_webhooks(on: dt.date | None = None, sleep: Callable[[float], None] | None = None) -> list[PodPost]:
    """Every pod with a channel, one by one: one pod's failure is recorded and does not stop the rest;
    then the first failure is raised so the job reports it (the pods' rows already say which)."""
    from django.conf import settings

    on = on or today()
    results = [
        post_pod(pod, on, settings.SITE_URL, sleep) for pod in Pod.objects.exclude(webhook_url="").order_by("pk")
    ]
    failed = [r for r in results if r.error]
    if failed:
        raise WebhookError(
            ngettext("%(n)d pod's chat post failed.", "%(n)d pods' chat posts failed.", len(failed))
            % {"n": len(failed)}
        )
    return results
