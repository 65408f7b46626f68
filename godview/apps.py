"""The top floor's start-up: session stamping at login."""

from django.apps import AppConfig


class GodviewConfig(AppConfig):
    name = "godview"
    verbose_name = "God-view"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from godview import auth

        user_logged_in.connect(auth.stamp_session, dispatch_uid="godview-stamp-session")
