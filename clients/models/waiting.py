"""Waiting on client: a stretch of time the agency waits for the client, on a goal or the client."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet
from clients.models.goals import WeeklyGoal


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after `start` up to and including `end` (a Friday-to-Monday wait is one)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + dt.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


class WaitingPeriod(models.Model):
    """From when to when the agency waited, and for what; open while `ended_on` is empty."""

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="waiting_periods")
    goal = models.ForeignKey(
        WeeklyGoal,
        verbose_name=_("weekly goal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waiting_periods",
    )
    waiting_for = models.CharField(_("waiting for"), max_length=300)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("waiting on client")
        verbose_name_plural = _("waiting on client")
        indexes = [models.Index(fields=["client", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="waiting_period_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=~Q(waiting_for=""), name="waiting_period_says_what_for"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.waiting_for}"

    def business_days(self, on: dt.date) -> int:
        """How long the wait has lasted (or lasted), in business days."""
        return business_days_between(self.started_on, min(self.ended_on or on, on))
