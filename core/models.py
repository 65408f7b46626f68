"""The audit trail (who created, changed or deleted client-scoped data, when, and what changed)
and the used one-time form tokens."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def for_client(self, client_id: int) -> "AuditEntryQuerySet":
        return self.filter(client_id=client_id)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=60)
    object_id = models.CharField(_("record id"), max_length=40)
    object_repr = models.CharField(_("record"), max_length=200)
    # A plain id, not a foreign key: the trail outlives the client it describes.
    client_id = models.BigIntegerField(_("client id"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text=_("field: [before, after]"))

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.object_repr}"


class UsedFormToken(models.Model):
    """A form's one-time token, once its save went through: the same form sent again is refused.

    In the database, written in the save's own transaction: it works while Redis is down, is
    shared by every process, and a save that fails takes its token back with it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used form token")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_token_used_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.token}"
