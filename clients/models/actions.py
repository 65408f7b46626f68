"""Actions (owned work for one client) and plays (the steps an agency takes when a rule fires)."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, WarningRule
from clients.models.risk import EarlyWarning, refresh_current_state

SNOOZE_MAX_DAYS = 30


def add_business_days(day: dt.date, days: int) -> dt.date:
    """`days` weekdays after `day` (0: the day itself, moved to Monday when it is a weekend)."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


class Play(models.Model):
    """What the agency does when an early-warning rule fires: one play per rule, edited in admin."""

    rule = models.CharField(_("rule"), max_length=30, choices=WarningRule.Code.choices, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["rule"]
        verbose_name = _("play")
        verbose_name_plural = _("plays")

    def __str__(self) -> str:
        return self.name


class PlayStep(models.Model):
    play = models.ForeignKey(Play, verbose_name=_("play"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (business days)"), validators=[MaxValueValidator(60)]
    )

    class Meta:
        ordering = ["play", "position"]
        verbose_name = _("play step")
        verbose_name_plural = _("play steps")
        constraints = [
            models.UniqueConstraint(fields=["play", "position"], name="play_step_position_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="play_step_has_a_title"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ActionQuerySet(ScopedQuerySet):
    def unresolved(self) -> "ActionQuerySet":
        """Open or snoozed: work still owed (a snoozed action wakes up by itself)."""
        return self.filter(status__in=[Action.Status.OPEN, Action.Status.SNOOZED])


class Action(models.Model):
    """One piece of owned work for one client. Closed actions are never deleted: they are the
    record of what the agency did about each signal (a database trigger refuses, migration 0010)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        SNOOZED = "snoozed", _("Snoozed")
        DROPPED = "dropped", _("Dropped")

    class Origin(models.TextChoices):
        WARNING = "warning", _("Early-warning firing")
        PLAY = "play", _("Play step")
        MEETING = "meeting", _("Meeting decision")
        MANUAL = "manual", _("By hand")

    client = models.ForeignKey("Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    due_on = models.DateField(_("due"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    rule = models.CharField(_("rule"), max_length=30, choices=WarningRule.Code.choices, blank=True)
    warning = models.ForeignKey(
        EarlyWarning,
        verbose_name=_("early warning"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    play_step = models.ForeignKey(
        PlayStep, verbose_name=_("play step"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome_note = models.TextField(_("outcome"), max_length=2000, blank=True)
    snooze_reason = models.CharField(_("why snoozed"), max_length=500, blank=True)
    wake_on = models.DateField(_("wakes on"), null=True, blank=True)
    drop_reason = models.CharField(_("why dropped"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["owner", "status", "due_on"]),
            models.Index(fields=["status", "wake_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="action_has_a_title"),
            models.CheckConstraint(
                condition=~Q(status="snoozed") | (Q(wake_on__isnull=False) & ~Q(snooze_reason="")),
                name="action_snooze_has_reason_and_wake_date",
            ),
            models.CheckConstraint(condition=~Q(status="dropped") | ~Q(drop_reason=""), name="action_drop_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "snoozed"]) | Q(closed_at__isnull=False),
                name="action_closed_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        refresh_current_state([self.client_id])  # the client's oldest open action (the warnings' order)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        refresh_current_state([self.client_id])
        return deleted

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    def is_overdue(self, on: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < on

    @property
    def origin_label(self) -> str:
        return self.get_rule_display() if self.rule else self.get_origin_display()
