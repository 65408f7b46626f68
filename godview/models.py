"""Rows derived by the top floor from several apps. `SignalRun`: the daily signal history of the
health lab, kept compactly as runs of consecutive firing days rather than a row per client, day
and rule (a year of 10,000 clients × 12 signals would be 44 million rows; runs are thousands)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clients.models import WarningRule

HEALTH_LE_2 = "health_le_2"
RISK_LE_2 = "risk_le_2"
SIGNAL_CHOICES = [
    *WarningRule.Code.choices,
    (HEALTH_LE_2, _("Health signal ≤ 2")),
    (RISK_LE_2, _("AM risk score ≤ 2")),
]


class SignalRun(models.Model):
    """A signal fired for the client on every day from `first_day` to `last_day`, both included,
    as the nightly figures of each of those days had it (never recomputed from later data)."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="signal_runs")
    signal = models.CharField(_("signal"), max_length=30, choices=SIGNAL_CHOICES)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        ordering = ["client", "signal", "first_day"]
        verbose_name = _("signal run")
        verbose_name_plural = _("signal runs")
        indexes = [
            # The rollup reads the runs touching one day; the lab reads the runs of a period.
            models.Index(fields=["last_day", "first_day"], name="signal_run_days"),
            models.Index(fields=["client", "signal", "first_day"], name="signal_run_client_signal"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="signal_run_ordered"),
            models.UniqueConstraint(fields=["client", "signal", "first_day"], name="signal_run_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.signal} {self.first_day}–{self.last_day}"


# The KPI tiles a target can be set for (issue 20, item 9): the God-view strip's keys.
KPI_CHOICES = [
    ("active", _("Active clients")),
    ("mrr", _("MRR")),
    ("at_risk_mrr", _("At-risk MRR")),
    ("churn", _("Logo churn")),
    ("nrr", _("NRR (12 mo)")),
    ("goal_hit_rate", _("Goal hit rate")),
    ("goals_tied", _("Goals tied to objectives")),
    ("objectives", _("Objectives on pace")),
    ("on_time", _("On-time tasks")),
    ("overdue", _("Overdue tasks")),
    ("stale", _("Stale contacts")),
    ("training", _("Training compliance")),
    ("reviews_missing", _("Reviews missing")),
]


class KpiTarget(models.Model):
    """Leadership's target for one KPI of the God-view, and whether it is the north star (one at
    most). Percentages are stored as percent (85 for 85%), money in the agency currency."""

    kpi = models.CharField(_("KPI"), max_length=30, choices=KPI_CHOICES, unique=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    north_star = models.BooleanField(_("north star"), default=False)
    set_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["kpi"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["north_star"], condition=Q(north_star=True), name="kpi_one_north_star"),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(north_star=True), name="kpi_target_row_says_something"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kpi_display()


class SavedView(models.Model):
    """A filter set of one screen that leadership named, to open again and to share as a link
    (whoever opens the link sees the figures within their own scope)."""

    name = models.CharField(_("name"), max_length=80)
    path = models.CharField(_("screen"), max_length=100)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="saved_views")
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["created_by", "name"], name="saved_view_one_name_per_person")]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
