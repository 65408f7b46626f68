"""Tactics, experiments, NPS responses, revenue events and the daily snapshot."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ZERO, ScopedQuerySet, between, money_field, not_negative, score_field
from clients.models.risk import RiskReason, refresh_current_state

if TYPE_CHECKING:
    pass


class Outcome(models.TextChoices):
    PENDING = "pending", _("Running")
    WIN = "win", _("Win")
    LOSS = "loss", _("Loss")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class Tactic(models.Model):
    """An action tried for a client."""

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="tactics")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="tactics")
    title = models.CharField(_("tactic"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("tactic")
        verbose_name_plural = _("tactics")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="tactic_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Experiment(models.Model):
    """A designer's A/B test; a win or loss only at or above the confidence threshold."""

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="experiments")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="experiments")
    title = models.CharField(_("experiment"), max_length=200)
    hypothesis = models.TextField(_("hypothesis"), blank=True, max_length=4000)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    confidence = models.DecimalField(
        _("confidence (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        constraints = [
            between("confidence", 0, 100, "experiment_confidence_0_to_100", nullable=True),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="experiment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counted_outcome(self) -> str:
        """The outcome as counted in win rates: below the confidence threshold it is inconclusive."""
        below_threshold = self.confidence is None or self.confidence < settings.EXPERIMENT_CONFIDENCE_THRESHOLD
        if self.outcome in (Outcome.WIN, Outcome.LOSS) and below_threshold:
            return Outcome.INCONCLUSIVE
        return self.outcome


class NPSResponse(models.Model):
    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="nps_responses")
    score = score_field(_("score"), low=0, high=10)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    responded_on = models.DateField(_("date"))
    problem = models.CharField(
        _("problem in the comment"),
        max_length=30,
        choices=RiskReason.choices,
        blank=True,
        db_default="",
        help_text=_("What a detractor's comment is about; the voice of the client counts it."),
    )
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-responded_on"]
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        indexes = [models.Index(fields=["client", "-responded_on"])]
        constraints = [between("score", 0, 10, "nps_score_0_to_10")]

    def __str__(self) -> str:
        return f"{self.client}: {self.score}"

    @property
    def category(self) -> str:
        return "detractor" if self.score <= 6 else "passive" if self.score <= 8 else "promoter"


class RevenueEvent(models.Model):
    """New, expansion, contraction or churn: MRR history, churn, NRR and CLV come from these."""

    class Kind(models.TextChoices):
        NEW = "new", _("New")
        EXPANSION = "expansion", _("Expansion")
        CONTRACTION = "contraction", _("Contraction")
        CHURN = "churn", _("Churn")

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="revenue_events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money_field(_("MRR change"), help_text=_("Always positive; the kind gives the direction."))
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("revenue event")
        verbose_name_plural = _("revenue events")
        indexes = [models.Index(fields=["client", "occurred_on"])]
        constraints = [not_negative("amount", "revenue_event_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_kind_display()} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.kind in (self.Kind.CONTRACTION, self.Kind.CHURN) else self.amount


# --- daily rollup --------------------------------------------------------------------------


class DailySnapshot(models.Model):
    """One row per client and day, filled by the nightly rollup; trend charts read only this."""

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField(_("date"))
    is_active = models.BooleanField(default=True)
    mrr = money_field(_("MRR"), default=ZERO)
    risk_score = score_field(_("risk score"), null=True, blank=True)
    health_score = score_field(_("health signal"), null=True, blank=True)
    days_since_contact = models.PositiveIntegerField(null=True, blank=True)
    goals_due = models.PositiveIntegerField(default=0)
    goals_hit = models.PositiveIntegerField(default=0)
    tasks_due = models.PositiveIntegerField(default=0)  # by their original due date
    tasks_on_time = models.PositiveIntegerField(default=0)
    open_tasks = models.PositiveIntegerField(default=0)
    overdue_tasks = models.PositiveIntegerField(default=0)
    # Tasks whose due date was moved later (or taken away) in the 28 days ending on `date`.
    slipped_tasks = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=9, decimal_places=2, default=ZERO)
    warnings = models.PositiveSmallIntegerField(default=0)
    # The rest of each early-warning rule's input of the day, so the health lab's what-if can
    # judge any threshold from these rows alone (null: nothing to measure that day).
    # Database defaults too: the bench's profile builder writes snapshots in plain SQL.
    max_days_overdue = models.PositiveIntegerField(default=0, db_default=0)  # the oldest overdue task's days late
    days_since_risk_assessment = models.PositiveIntegerField(null=True, blank=True)
    days_since_detractor = models.PositiveIntegerField(null=True, blank=True)  # within the last year
    wait_beyond_agreement = models.IntegerField(null=True, blank=True)  # longest open wait − agreed days
    objective_gap = models.FloatField(null=True, blank=True)  # most elapsed − progress points, open objectives
    hours_30_days = models.DecimalField(
        max_digits=11, decimal_places=2, default=ZERO, db_default=ZERO
    )  # logged in the 30 days to `date`
    cadence_gap = models.IntegerField(null=True, blank=True)  # days since the cadence's last call − its days
    tied_goals_this_week = models.PositiveSmallIntegerField(default=0, db_default=0)  # goals tied to an open objective
    tied_goals_last_week = models.PositiveSmallIntegerField(default=0, db_default=0)
    renewal_slack = models.IntegerField(null=True, blank=True)  # days to the next renewal − its notice days

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "client"]
        verbose_name = _("daily snapshot")
        verbose_name_plural = _("daily snapshots")
        indexes = [
            # Date-range reads of the God-view (on-time rate, trends) are answered from the index.
            models.Index(
                fields=["date", "client"], include=["tasks_due", "tasks_on_time"], name="snapshot_date_client_covering"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["client", "date"], name="daily_snapshot_one_per_client_day"),
            between("risk_score", 1, 4, "snapshot_risk_1_to_4", nullable=True),
            between("health_score", 1, 4, "snapshot_health_1_to_4", nullable=True),
            not_negative("mrr", "snapshot_mrr_not_negative"),
            not_negative("hours", "snapshot_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.date}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        refresh_current_state([self.client_id])  # the review queue reads the latest health signal


class WeeklySnapshot(models.Model):
    """A client's week (Monday to Sunday) of daily snapshots, summed: what the period figures that
    count whole weeks read (the God-view's periods, the boards, the top-performer comparison, the
    coaching window), a seventh of the daily rows. Written by each rollup for the weeks it touched
    (godview.rollup.refresh_weeks)."""

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="weekly_snapshots")
    week_start = models.DateField(_("week starting"))
    tasks_due = models.PositiveIntegerField(default=0)  # by their original due date
    tasks_on_time = models.PositiveIntegerField(default=0)
    goals_due = models.PositiveIntegerField(default=0)
    goals_hit = models.PositiveIntegerField(default=0)
    risk_sum = models.PositiveIntegerField(default=0)  # the days' risk scores, summed
    risk_days = models.PositiveSmallIntegerField(default=0)  # days with a risk score
    # The week's last day: the risk score when the client was active that Sunday (0: active and not
    # assessed); empty when it was not active or the Sunday is not rolled up yet (the risk trend).
    sunday_risk = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["week_start", "client"]
        verbose_name = _("weekly snapshot")
        verbose_name_plural = _("weekly snapshots")
        indexes = [
            models.Index(
                fields=["week_start", "client"],
                include=["tasks_due", "tasks_on_time", "risk_sum", "risk_days"],
                name="weekly_week_client_sums",
            )
        ]
        constraints = [models.UniqueConstraint(fields=["client", "week_start"], name="weekly_snapshot_one_per_week")]

    def __str__(self) -> str:
        return f"{self.client} · week of {self.week_start}"
