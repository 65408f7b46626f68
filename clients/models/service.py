"""The premium service format: each tier's extra deliverables, ticked per client and month.

A tier's contact cadence (how often a call or meeting is due, and whether a senior person must be
there) sits on the Tier itself; contacts record who from the agency took part.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, Tier


class TierDeliverable(models.Model):
    """An extra deliverable a tier promises every month (e.g. premium: an executive report)."""

    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.CASCADE, related_name="deliverables")
    position = models.PositiveSmallIntegerField(_("position"), default=1, validators=[MinValueValidator(1)])
    title = models.CharField(_("deliverable"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["tier", "position", "pk"]
        verbose_name = _("tier deliverable")
        verbose_name_plural = _("tier deliverables")
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="tier_deliverable_has_a_title")]

    def __str__(self) -> str:
        return self.title


class DeliverableCheck(models.Model):
    """A tier deliverable ticked for one client in one month (the month's first day)."""

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="deliverable_checks")
    deliverable = models.ForeignKey(TierDeliverable, on_delete=models.CASCADE, related_name="checks")
    month = models.DateField(_("month"))
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "deliverable"]
        verbose_name = _("deliverable done")
        verbose_name_plural = _("deliverables done")
        constraints = [
            models.UniqueConstraint(fields=["client", "deliverable", "month"], name="deliverable_check_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="deliverable_check_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.deliverable} ({self.month:%Y-%m})"
