"""Top floor: settings, urls, Celery, and everything that reads across apps (the God-view and drill-down screens,
rollup, alerts, demo)."""

from godview.celery import app as celery_app

__all__ = ["celery_app"]
