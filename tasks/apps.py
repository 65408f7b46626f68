"""The tasks app."""

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Tasks and sync"

    def ready(self) -> None:
        # Register the Celery jobs in every process: services enqueue them by name (never by import).
        from tasks import jobs  # noqa: F401
