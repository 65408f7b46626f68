"""Celery jobs of the top floor: the nightly rollup and warm-up, and the emails. Thin: each calls
one function and returns."""

from celery import shared_task

from godview import alerts, warm, webhooks
from godview.rollup import nightly_rollup


@shared_task(acks_late=True, soft_time_limit=60 * 20, time_limit=60 * 25)
def daily_rollup() -> None:
    """Yesterday, now complete, today so far and the past days late data changed; then the
    dashboard's figures, warm for the morning."""
    nightly_rollup()
    warm.warm_leadership_caches()


@shared_task(acks_late=True, ignore_result=True)
def send_early_warning_alerts() -> int:
    return alerts.send_early_warning_alerts().emails


@shared_task(acks_late=True, ignore_result=True)
def send_weekly_digest() -> int:
    return alerts.send_weekly_digest()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60 * 5, time_limit=60 * 6)
def post_pod_webhooks() -> int:
    """Each pod's chat channel: new high-priority firings and overdue actions (retries inside)."""
    return sum(1 for result in webhooks.post_pod_webhooks() if result.posted)
