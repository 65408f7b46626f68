"""Celery app. Without REDIS_URL jobs run in-process (settings: CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "godview.settings")

app = Celery("godview")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The app `tasks` owns the word "task": Celery jobs live in each app's jobs.py.
app.autodiscover_tasks(related_name="jobs")
