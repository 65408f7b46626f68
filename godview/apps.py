from django.apps import AppConfig


class GodviewConfig(AppConfig):
    name = "godview"
    verbose_name = "God-view"

    def ready(self) -> None:
        from godview import audit

        audit.connect()
