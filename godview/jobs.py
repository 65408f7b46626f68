"""Celery jobs for God-view's emails: thin, they call godview.alerts."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def send_early_warning_alerts() -> int:
    from godview.alerts import send_early_warning_alerts as send

    return send().emails


@shared_task(acks_late=True, ignore_result=True)
def send_weekly_digest() -> int:
    from godview.alerts import send_weekly_digest as send

    return send()
