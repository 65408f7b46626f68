"""Meeting records: a growth review or a pod meeting, with per client a note and decisions.

History: rows are only ever added (admin is read-only, and on Postgres a trigger refuses to
change or delete them, migration 0013). A decision with an owner and a due date is an action.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Pod, User
from clients.models.actions import Action
from clients.models.base import ScopedQuerySet


class MeetingRecord(models.Model):
    class Kind(models.TextChoices):
        GROWTH_REVIEW = "growth_review", _("Growth review")
        POD_MEETING = "pod_meeting", _("Pod meeting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GROWTH_REVIEW)
    held_on = models.DateField(_("date"))
    pod = models.ForeignKey(Pod, verbose_name=_("pod"), on_delete=models.PROTECT, related_name="meetings")
    attendees = models.ManyToManyField(User, verbose_name=_("attendees"), related_name="meetings_attended", blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        indexes = [models.Index(fields=["pod", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.pod} · {self.held_on}"


class MeetingNote(models.Model):
    """What a meeting said about one client."""

    meeting = models.ForeignKey(
        MeetingRecord, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="notes"
    )
    client = models.ForeignKey(
        "Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="meeting_notes"
    )
    note = models.TextField(_("note"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")
        constraints = [models.UniqueConstraint(fields=["meeting", "client"], name="meeting_note_once_per_client")]

    def __str__(self) -> str:
        return f"{self.client}: {self.meeting}"


class MeetingDecision(models.Model):
    """One decision of a meeting about a client; with an owner and a due date it became `action`."""

    note = models.ForeignKey(MeetingNote, verbose_name=_("note"), on_delete=models.PROTECT, related_name="decisions")
    text = models.CharField(_("decision"), max_length=200)
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    action = models.OneToOneField(
        Action,
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decision",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="meeting_decision_has_text"),
            models.CheckConstraint(
                condition=Q(action__isnull=True) | (Q(owner__isnull=False) & Q(due_on__isnull=False)),
                name="meeting_decision_action_has_owner_and_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text
