"""Celery jobs of the clients app: thin wrappers around services."""

from celery import shared_task

from clients.rollup import rollup_range
from clients.weeks import today


@shared_task(acks_late=True, soft_time_limit=60 * 20, time_limit=60 * 25)
def daily_rollup() -> None:
    """Yesterday, now complete, then today so far: the same code path as `manage.py rollup`."""
    rollup_range(end=today(), days=2)
    from godview.warm import warm_leadership_caches  # the dashboard's figures, warm for the morning

    warm_leadership_caches()
