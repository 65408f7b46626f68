from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: plumbing every app uses (htmx, CSV, audit trail, cache versions, weeks,
    number formats). It knows no app above it."""

    name = "core"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core import audit

        audit.connect()
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core-create-cache-table")


def create_cache_table(sender, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """Every `migrate` makes sure a database cache (the embedded default's) has its table; with
    Redis configured there is none to make. Idempotent."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=verbosity)
