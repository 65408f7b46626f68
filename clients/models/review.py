"""The 28-field quarterly review."""

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, between, score_field

if TYPE_CHECKING:
    pass


class QuarterlyReview(models.Model):
    """The 28-field client report, once per client per quarter (DESIGN, five groups)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        RARELY = "rarely", _("Rarely")

    class Trend(models.TextChoices):
        GROWING = "growing", _("Growing")
        FLAT = "flat", _("Flat")
        SHRINKING = "shrinking", _("Shrinking")

    class Readiness(models.TextChoices):
        READY = "ready", _("Ready")
        OPEN = "open", _("Open to it")
        NOT_YET = "not_yet", _("Not yet")

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="quarterly_reviews")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # 1. People & usage
    main_contact = models.CharField(_("main contact and role"), max_length=200, blank=True)
    executive_sponsor = models.CharField(_("executive sponsor"), max_length=200, blank=True)
    active_stakeholders = models.PositiveSmallIntegerField(_("active stakeholders"), null=True, blank=True)
    usage_description = models.TextField(_("how they use our work"), blank=True, max_length=4000)
    usage_frequency = models.CharField(_("usage frequency"), max_length=10, choices=Frequency.choices, blank=True)
    services_used = models.TextField(_("services and features used"), blank=True, max_length=4000)
    # 2. Processes
    departments_involved = models.TextField(_("departments involved"), blank=True, max_length=4000)
    workflow_entry_point = models.TextField(_("where our work enters their workflow"), blank=True, max_length=4000)
    reporting_cadence = models.CharField(
        _("their reporting cadence"), max_length=10, choices=Frequency.choices, blank=True
    )
    integrations_in_use = models.TextField(_("integrations in use"), blank=True, max_length=4000)
    process_blockers = models.TextField(_("process blockers"), blank=True, max_length=4000)
    # 3. Business
    top_goals = models.TextField(_("top goals this quarter"), blank=True, max_length=4000)
    kpis = models.TextField(_("KPIs they are judged on"), blank=True, max_length=4000)
    kpi_vs_target = models.TextField(_("KPI values vs target"), blank=True, max_length=4000)
    budget_trend = models.CharField(_("budget trend"), max_length=10, choices=Trend.choices, blank=True)
    upcoming_changes = models.TextField(_("upcoming changes"), blank=True, max_length=4000)
    competitors_evaluated = models.TextField(_("competitors evaluated"), blank=True, max_length=4000)
    # 4. Value
    value_understanding = score_field(_("understands our value (1–4)"), null=True, blank=True)
    value_cases_achieved = models.TextField(_("value cases achieved"), blank=True, max_length=4000)
    last_value_demonstrated_on = models.DateField(_("last value demonstrated"), null=True, blank=True)
    roi_statement = models.TextField(_("ROI statement"), blank=True, max_length=4000)
    understanding_gaps = models.TextField(_("gaps in understanding"), blank=True, max_length=4000)
    # 5. Relationship & growth
    co_marketing_readiness = models.CharField(
        _("co-marketing readiness"), max_length=10, choices=Readiness.choices, blank=True
    )
    latest_nps = score_field(_("latest NPS"), low=0, high=10, null=True, blank=True)
    communication_level = score_field(_("communication level (1–4)"), null=True, blank=True)
    upsell_opportunities = models.TextField(_("upsell opportunities"), blank=True, max_length=4000)
    risks_identified = models.TextField(_("risks identified"), blank=True, max_length=4000)
    action_plan = models.TextField(_("action plan (next steps, owners, dates)"), blank=True, max_length=4000)

    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            _("People & usage"),
            (
                "main_contact",
                "executive_sponsor",
                "active_stakeholders",
                "usage_description",
                "usage_frequency",
                "services_used",
            ),
        ),
        (
            _("Processes"),
            (
                "departments_involved",
                "workflow_entry_point",
                "reporting_cadence",
                "integrations_in_use",
                "process_blockers",
            ),
        ),
        (
            _("Business"),
            ("top_goals", "kpis", "kpi_vs_target", "budget_trend", "upcoming_changes", "competitors_evaluated"),
        ),
        (
            _("Value"),
            (
                "value_understanding",
                "value_cases_achieved",
                "last_value_demonstrated_on",
                "roi_statement",
                "understanding_gaps",
            ),
        ),
        (
            _("Relationship & growth"),
            (
                "co_marketing_readiness",
                "latest_nps",
                "communication_level",
                "upsell_opportunities",
                "risks_identified",
                "action_plan",
            ),
        ),
    )

    class Meta:
        ordering = ["-year", "-quarter", "client"]
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        constraints = [
            models.UniqueConstraint(fields=["client", "year", "quarter"], name="quarterly_review_one_per_quarter"),
            between("quarter", 1, 4, "quarterly_review_quarter_1_to_4"),
            between("value_understanding", 1, 4, "quarterly_review_value_1_to_4", nullable=True),
            between("communication_level", 1, 4, "quarterly_review_communication_1_to_4", nullable=True),
            between("latest_nps", 0, 10, "quarterly_review_nps_0_to_10", nullable=True),
            models.CheckConstraint(
                condition=Q(status="submitted", submitted_at__isnull=False)
                | Q(status="draft", submitted_at__isnull=True),
                name="quarterly_review_submitted_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.year} Q{self.quarter}"

    @classmethod
    def field_names(cls) -> list[str]:
        return [name for _group, names in cls.GROUPS for name in names]
