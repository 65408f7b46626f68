"""The client and its kickoff plan."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Abs
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import (
    ZERO,
    ChurnReason,
    LifecycleStage,
    ScopedQuerySet,
    Tier,
    between,
    money_field,
    not_negative,
)
from clients.models.goal_weeks import goal_weeks_move
from clients.models.outcomes import NPSResponse
from clients.models.risk import RiskAssessment
from clients.models.snapshot_weeks import snapshot_weeks_move
from clients.scoring import REVIEW_GAP
from core.weeks import today

if TYPE_CHECKING:
    pass


class ClientQuerySet(ScopedQuerySet):
    client_path = ""

    def active(self) -> "ClientQuerySet":
        return self.exclude(lifecycle_stage=LifecycleStage.CHURNED)

    def with_signals(self) -> "ClientQuerySet":
        """Annotate the current risk (latest assessment), last contact date and latest NPS; the
        score and the contact as stored on the client (`refresh_current_state`)."""
        latest_risk = RiskAssessment.objects.filter(client=models.OuterRef("pk")).order_by("-assessed_at", "-pk")
        return self.annotate(
            current_risk_score=models.F("latest_risk_score"),
            current_risk_at=models.Subquery(latest_risk.values("assessed_at")[:1]),
            last_contact_on=models.F("latest_contact_on"),
            latest_nps=models.Subquery(
                NPSResponse.objects.filter(client=models.OuterRef("pk"))
                .order_by("-responded_on", "-pk")
                .values("score")[:1]
            ),
        )


def review_gap() -> Abs:
    """How far apart the stored health signal and risk score are (NULL when either is missing)."""
    return Abs(F("latest_health_score") - F("latest_risk_score"))


def in_review() -> Q:
    """`clients.scoring.disagrees` on the stored state of an active client: the review queue before
    the decisions, and the condition of its index (one definition, so the planner matches them)."""
    return Q(churned_on__isnull=True) & Q(GreaterThanOrEqual(review_gap(), REVIEW_GAP))


class Client(models.Model):
    name = models.CharField(_("name"), max_length=200)
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="clients")
    account_manager = models.ForeignKey(
        User,
        verbose_name=_("account manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clients",
    )
    mrr = money_field(_("MRR"), default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default=settings.CURRENCY)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.ONBOARDING
    )
    started_on = models.DateField(_("client since"))
    churned_on = models.DateField(_("churn date"), null=True, blank=True)
    value_realised_on = models.DateField(
        _("value first realised"),
        null=True,
        blank=True,
        help_text=_(
            "The day the client first reached “value realised” (time to value). Set when the stage first changes to it."
        ),
    )
    churn_reason = models.CharField(_("churn reason"), max_length=20, choices=ChurnReason.choices, blank=True)
    expectation_agreement_signed_on = models.DateField(_("expectation agreement signed"), null=True, blank=True)
    agreed_response_days = models.PositiveSmallIntegerField(
        _("agreed response time (business days)"),
        db_default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("The expectation agreement: the client answers within this many business days."),
    )
    monthly_hours_budget = models.DecimalField(
        _("monthly hours budget"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    website = models.URLField(_("website"), blank=True)
    # The current state, kept by `refresh_current_state` when its rows are written and by the nightly
    # rollup, so screens read it instead of probing every client's history (issue 19).
    latest_risk_score = models.PositiveSmallIntegerField(_("latest risk score"), null=True, editable=False)
    latest_contact_on = models.DateField(_("last contact"), null=True, editable=False)
    open_warning_count = models.PositiveIntegerField(_("open early warnings"), db_default=0, editable=False)
    # The earliest due date of its open actions: overdue when before today (the warnings' order).
    oldest_open_action_on = models.DateField(_("oldest open action due"), null=True, editable=False)
    # What the review queue compares (the latest assessment, the latest snapshot's health signal and
    # its date), so the database filters, orders and pages it. A bare reference: assessments are
    # append-only and go only with their client, so no constraint, index or delete cascade is needed.
    latest_assessment = models.ForeignKey(
        RiskAssessment,
        verbose_name=_("latest risk assessment"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        editable=False,
        related_name="+",
    )
    latest_health_score = models.PositiveSmallIntegerField(_("latest health signal"), null=True, editable=False)
    latest_health_on = models.DateField(_("health signal as of"), null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["account_manager", "lifecycle_stage"]),
            # The review queue in its order: a page reads its own rows, not every client.
            models.Index(
                review_gap().desc(),
                F("latest_risk_score"),
                F("name"),
                F("id"),
                condition=in_review(),
                name="client_review_queue",
            ),
        ]
        constraints = [
            not_negative("mrr", "client_mrr_not_negative"),
            models.CheckConstraint(
                condition=Q(monthly_hours_budget__isnull=True) | Q(monthly_hours_budget__gte=0),
                name="client_hours_budget_not_negative",
            ),
            # Churned exactly when a churn date and reason are recorded.
            models.CheckConstraint(
                condition=(Q(lifecycle_stage=LifecycleStage.CHURNED, churned_on__isnull=False) & ~Q(churn_reason=""))
                | (~Q(lifecycle_stage=LifecycleStage.CHURNED) & Q(churned_on__isnull=True, churn_reason="")),
                name="client_churn_fields_match_stage",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Time to value needs the first day of "value realised"; the stage itself moves on.
        if self.lifecycle_stage == LifecycleStage.VALUE_REALISED and self.value_realised_on is None:
            self.value_realised_on = today()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "value_realised_on"}
        loaded, cell = getattr(self, "_loaded_cell", None), (self.account_manager_id, self.tier_id)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if loaded is not None and cell != loaded:  # its goals' and weeks' sums follow it
                goal_weeks_move(self.pk, loaded, cell)
                snapshot_weeks_move(self.pk, loaded, cell)
        self._loaded_cell = cell

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        if "account_manager_id" in instance.__dict__ and "tier_id" in instance.__dict__:
            instance._loaded_cell = instance.account_manager_id, instance.tier_id
        return instance

    @property
    def is_active(self) -> bool:
        return self.lifecycle_stage != LifecycleStage.CHURNED


class KickoffItem(models.Model):
    """One of the ten quick-win action items from the proposal."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="kickoff_items")
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1), MaxValueValidator(10)])
    text = models.CharField(_("action item"), max_length=300)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "position"]
        verbose_name = _("kickoff plan item")
        verbose_name_plural = _("kickoff plan items")
        constraints = [
            # Deferred, so that swapping two items' positions passes through a clash inside one transaction.
            models.UniqueConstraint(
                fields=["client", "position"],
                name="kickoff_item_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            between("position", 1, 10, "kickoff_item_position_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


# --- objectives and weekly goals -----------------------------------------------------------
