"""Contracts (a client's term and its renewal), upsell opportunities, and the renewal likelihood of
each risk score (DESIGN "Revenue, renewals and capacity")."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ZERO, ScopedQuerySet, money_field, not_negative

DUE_WINDOW_DAYS = 90  # a renewal is due when its date falls within this many days


class ContractQuerySet(ScopedQuerySet):
    def open(self) -> "ContractQuerySet":
        """Contracts whose renewal outcome is still to come."""
        return self.filter(outcome="")

    def open_on(self, day: dt.date) -> "ContractQuerySet":
        """Contracts running on `day` with no outcome recorded by then (the rollup reads past days)."""
        return self.filter(starts_on__lte=day).filter(Q(outcome="") | Q(outcome_on__gt=day))


class Contract(models.Model):
    """A client's term: start, end (the renewal date), committed MRR, notice period, auto-renew."""

    class Outcome(models.TextChoices):
        RENEWED = "renewed", _("Renewed")
        UP = "renegotiated_up", _("Renegotiated up")
        DOWN = "renegotiated_down", _("Renegotiated down")
        CHURNED = "churned", _("Churned")

    client = models.ForeignKey("Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="contracts")
    starts_on = models.DateField(_("start"))
    renews_on = models.DateField(_("renewal date"), help_text=_("The end of the term."))
    committed_mrr = money_field(_("committed MRR"))
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    auto_renew = models.BooleanField(_("auto-renew"), default=False)
    outcome = models.CharField(_("renewal outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_mrr = money_field(_("MRR after the renewal"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)
    revenue_event = models.OneToOneField(
        "RevenueEvent",
        verbose_name=_("revenue event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    outcome_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["renews_on", "pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [models.Index(fields=["outcome", "renews_on"]), models.Index(fields=["client", "renews_on"])]
        constraints = [
            not_negative("committed_mrr", "contract_committed_mrr_not_negative"),
            models.CheckConstraint(
                condition=Q(renews_on__gt=models.F("starts_on")), name="contract_renews_after_start"
            ),
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="contract_outcome_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.starts_on} → {self.renews_on}"

    @property
    def term_days(self) -> int:
        return (self.renews_on - self.starts_on).days

    def notice_deadline(self) -> dt.date:
        """The last day the client can give notice."""
        return self.renews_on - dt.timedelta(days=self.notice_days)


class Opportunity(models.Model):
    """An upsell: client, description, expected MRR, stage, owner, dates. A won one records an
    expansion revenue event."""

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        PROPOSED = "proposed", _("Proposed")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    OPEN_STAGES = (Stage.IDENTIFIED, Stage.PROPOSED)

    client = models.ForeignKey(
        "Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("description"), max_length=200)
    expected_mrr = money_field(_("expected MRR"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    owner = models.ForeignKey(User, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="opportunities")
    identified_on = models.DateField(_("identified on"))
    expected_close_on = models.DateField(_("expected close"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    revenue_event = models.OneToOneField(
        "RevenueEvent",
        verbose_name=_("revenue event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_on", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["stage", "owner"]), models.Index(fields=["client", "stage"])]
        constraints = [
            not_negative("expected_mrr", "opportunity_expected_mrr_not_negative"),
            models.CheckConstraint(
                condition=(Q(stage__in=["won", "lost"]) & Q(closed_on__isnull=False))
                | (Q(stage__in=["identified", "proposed"]) & Q(closed_on__isnull=True)),
                name="opportunity_closed_exactly_when_won_or_lost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.title}"

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class RenewalLikelihood(models.Model):
    """The renewal likelihood of a current risk score (DESIGN defaults; edited in admin)."""

    class Risk(models.TextChoices):
        CRITICAL = "1", _("1 · Critical")
        HIGH = "2", _("2 · High")
        MODERATE = "3", _("3 · Moderate")
        LOW = "4", _("4 · Low")
        NONE = "none", _("Not assessed")

    DEFAULTS = {"1": Decimal("20"), "2": Decimal("50"), "3": Decimal("85"), "4": Decimal("95"), "none": Decimal("70")}

    risk = models.CharField(_("risk score"), max_length=4, choices=Risk.choices, unique=True)
    percent = models.DecimalField(
        _("renewal likelihood (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["risk"]
        verbose_name = _("renewal likelihood")
        verbose_name_plural = _("renewal likelihoods")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="renewal_likelihood_0_to_100")
        ]

    def __str__(self) -> str:
        return f"{self.get_risk_display()}: {self.percent}%"

    @classmethod
    def table(cls) -> dict[int | None, Decimal]:
        """Risk score (None: not assessed) → likelihood as a fraction; defaults fill gaps (one query)."""
        stored = dict(cls.objects.values_list("risk", "percent"))
        merged = cls.DEFAULTS | stored
        return {(None if key == "none" else int(key)): value / 100 for key, value in merged.items()}
