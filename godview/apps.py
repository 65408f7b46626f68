"""The top floor's start-up: session stamping at login, every app's Celery jobs registered."""

from django.apps import AppConfig


class GodviewConfig(AppConfig):
    name = "godview"
    verbose_name = "God-view"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from godview import auth

        user_logged_in.connect(auth.stamp_session, dispatch_uid="godview-stamp-session")
        # Services enqueue jobs by name from the registry (tasks.services: "Sync now"); a web
        # process imports no jobs module of its own, so load them all now, or the name is unknown.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
