from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: plumbing every app uses (htmx, CSV, audit trail, cache versions, weeks,
    number formats). It knows no app above it."""

    name = "core"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from core import audit

        audit.connect()
