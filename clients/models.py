"""Clients and everything an agency records about them, in DESIGN's common language."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import client_scope

if TYPE_CHECKING:
    from clients.scoring import Pace

ZERO = Decimal("0")


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


def score_field(verbose_name: str, low: int = 1, high: int = 4, **kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(low), MaxValueValidator(high)], **kwargs
    )


def between(field: str, low: int, high: int, name: str, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def not_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": 0}), name=name)


def is_monday(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__iso_week_day": 1}), name=name)


class ScopedQuerySet(models.QuerySet):
    """A QuerySet of a client-scoped model; `client_path` reaches Client from it."""

    client_path = "client__"

    def visible_to(self, user: User) -> "ScopedQuerySet":
        return self.filter(client_scope(user, self.client_path))


# --- reference data ------------------------------------------------------------------------


class Tier(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    is_premium = models.BooleanField(_("premium"), default=False)
    stale_contact_days = models.PositiveSmallIntegerField(
        _("stale contact after (days)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["-is_premium", "name"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [models.CheckConstraint(condition=Q(stale_contact_days__gte=1), name="tier_stale_days_positive")]

    def __str__(self) -> str:
        return self.name


class WarningRule(models.Model):
    """An early-warning rule of DESIGN, switchable and with its threshold, edited in admin."""

    class Code(models.TextChoices):
        RISK_SCORE = "risk_score", _("Risk score 1–2")
        STALE_CONTACT = "stale_contact", _("Stale contact")
        GOAL_HIT_RATE = "goal_hit_rate", _("Weekly goal hit rate low two weeks running")
        OBJECTIVE_BEHIND = "objective_behind", _("Objective behind pace")
        OVERDUE_TASKS = "overdue_tasks", _("Overdue tasks")
        RISK_NOT_REASSESSED = "risk_not_reassessed", _("Risk not reassessed")
        HEALTH_MISMATCH = "health_mismatch", _("Health signal and risk score disagree")
        NPS_DETRACTOR = "nps_detractor", _("NPS detractor")
        WAITING_ON_CLIENT = "waiting_on_client", _("Waiting on client beyond the agreement")
        HOURS_OVER_BUDGET = "hours_over_budget", _("Hours over budget or rate below floor")

    code = models.CharField(_("rule"), max_length=30, choices=Code.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2)
    help_text = models.CharField(_("what the threshold means"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("early-warning rule")
        verbose_name_plural = _("early-warning rules")

    def __str__(self) -> str:
        return self.get_code_display()


# --- clients -------------------------------------------------------------------------------


class LifecycleStage(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ADOPTING = "adopting", _("Adopting")
    VALUE_REALISED = "value_realised", _("Value realised")
    RENEWING = "renewing", _("Renewing")
    CHURNED = "churned", _("Churned")


class ChurnReason(models.TextChoices):
    PRICE = "price", _("Price / budget cut")
    VALUE = "value", _("Value not understood")
    COMPETITOR = "competitor", _("Went to a competitor")
    SPONSOR_LEFT = "sponsor_left", _("Sponsor left")
    DELIVERY = "delivery", _("Missed deliverables")
    IN_HOUSE = "in_house", _("Took the work in-house")
    BUSINESS_CLOSED = "business_closed", _("Business closed or acquired")
    OTHER = "other", _("Other")


class ClientQuerySet(ScopedQuerySet):
    client_path = ""

    def active(self) -> "ClientQuerySet":
        return self.exclude(lifecycle_stage=LifecycleStage.CHURNED)

    def with_signals(self) -> "ClientQuerySet":
        """Annotate the current risk (latest assessment), last contact date and latest NPS."""
        latest_risk = RiskAssessment.objects.filter(client=models.OuterRef("pk")).order_by("-assessed_at", "-pk")
        return self.annotate(
            current_risk_score=models.Subquery(latest_risk.values("score")[:1]),
            current_risk_at=models.Subquery(latest_risk.values("assessed_at")[:1]),
            last_contact_on=models.Subquery(
                Contact.objects.filter(client=models.OuterRef("pk"))
                .order_by("-contacted_on")
                .values("contacted_on")[:1]
            ),
            latest_nps=models.Subquery(
                NPSResponse.objects.filter(client=models.OuterRef("pk"))
                .order_by("-responded_on", "-pk")
                .values("score")[:1]
            ),
        )


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
    churn_reason = models.CharField(_("churn reason"), max_length=20, choices=ChurnReason.choices, blank=True)
    expectation_agreement_signed_on = models.DateField(_("expectation agreement signed"), null=True, blank=True)
    monthly_hours_budget = models.DecimalField(
        _("monthly hours budget"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [models.Index(fields=["account_manager", "lifecycle_stage"])]
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
            models.UniqueConstraint(fields=["client", "position"], name="kickoff_item_position_unique"),
            between("position", 1, 10, "kickoff_item_position_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


# --- objectives and weekly goals -----------------------------------------------------------


class Objective(models.Model):
    """A client's 90-day objective."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        BEHIND = "behind", _("Behind")
        ACHIEVED = "achieved", _("Achieved")
        MISSED = "missed", _("Missed")

    class Origin(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        QUARTER = "quarter", _("Quarterly set")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=200)
    metric = models.CharField(_("metric"), max_length=100)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    current_value = models.DecimalField(_("current value"), max_digits=14, decimal_places=2)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ON_TRACK)
    origin = models.CharField(_("from"), max_length=20, choices=Origin.choices, default=Origin.QUARTER)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "due_date", "title"]
        verbose_name = _("90-day objective")
        verbose_name_plural = _("90-day objectives")
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gt=models.F("start_date")), name="objective_due_after_start"),
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")), name="objective_target_differs_from_baseline"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def pace(self, on: dt.date) -> "Pace":
        """Progress against time elapsed on `on` (DESIGN "Objective pace")."""
        from clients.scoring import objective_pace

        return objective_pace(
            baseline=self.baseline,
            target=self.target,
            current=self.current_value,
            start=self.start_date,
            due=self.due_date,
            on=on,
        )


class WeeklyGoalQuerySet(ScopedQuerySet):
    def counted(self) -> "WeeklyGoalQuerySet":
        """Goals that count in the hit rate: all but cancelled ones."""
        return self.exclude(status=WeeklyGoal.Status.CANCELLED)


class WeeklyGoal(models.Model):
    """What an AM commits to for one client in one week. Its deadline is fixed at creation."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="weekly_goals")
    owner = models.ForeignKey(User, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="weekly_goals")
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="weekly_goals",
    )
    title = models.CharField(_("goal"), max_length=200)
    week_start = models.DateField(_("week (Monday)"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)
    shared_with_client = models.BooleanField(_("shared with client"), default=True)
    waiting_on_client_hours = models.DecimalField(
        _("hours waiting on client"), max_digits=7, decimal_places=1, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Who marked it done, cancelled or postponed, and when (the AM workspace records every write).
    status_changed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = WeeklyGoalQuerySet.as_manager()

    class Meta:
        ordering = ["week_start", "client", "pk"]
        verbose_name = _("weekly goal")
        verbose_name_plural = _("weekly goals")
        indexes = [
            models.Index(fields=["week_start", "status"]),
            models.Index(fields=["deadline"]),  # hit rates count goals whose deadline falls in a period
            models.Index(fields=["client", "week_start"]),
            models.Index(fields=["owner", "week_start"]),
        ]
        constraints = [
            is_monday("week_start", "weekly_goal_week_starts_monday"),
            not_negative("waiting_on_client_hours", "weekly_goal_waiting_not_negative"),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | (~Q(status="done") & Q(done_at__isnull=True)),
                name="weekly_goal_done_at_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="weekly_goal_cancel_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The deadline is fixed at creation; no form, admin or script may move it.
        loaded = getattr(self, "_loaded_deadline", None)
        if self.pk and loaded is not None and self.deadline != loaded:
            raise DeadlineLocked(_("A weekly goal's deadline is fixed; postpone the goal instead."))
        super().save(*args, **kwargs)
        self._loaded_deadline = self.deadline

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded_deadline = instance.__dict__.get("deadline")
        return instance

    @property
    def hit(self) -> bool:
        return self.status == self.Status.DONE and self.done_at is not None and self.done_at <= self.deadline


class DeadlineLocked(ValueError):
    """Raised when anything tries to change a weekly goal's deadline."""


class Postponement(models.Model):
    """Moving a goal: the original stays (postponed) and a carried-over goal lands in the target week."""

    original = models.OneToOneField(WeeklyGoal, on_delete=models.CASCADE, related_name="postponement")
    carried_over = models.OneToOneField(WeeklyGoal, on_delete=models.CASCADE, related_name="carried_over_from")
    reason = models.CharField(_("reason"), max_length=500)
    target_week = models.DateField(_("target week (Monday)"))
    postponed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    postponed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-postponed_at"]
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="postponement_needs_reason"),
            is_monday("target_week", "postponement_target_week_monday"),
        ]

    def __str__(self) -> str:
        return f"{self.original} → {self.target_week}"


# --- risk ----------------------------------------------------------------------------------


class RiskReason(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact")
    LOW_USAGE = "low_usage", _("Low usage")
    VALUE_NOT_UNDERSTOOD = "value_not_understood", _("Value not understood")
    NEGATIVE_TONE = "negative_tone", _("Negative tone")
    MANY_TICKETS = "many_tickets", _("Many tickets")
    BUDGET_CUT = "budget_cut", _("Budget cut")
    SPONSOR_LEFT = "sponsor_left", _("Sponsor left")
    COMPETITOR = "competitor", _("Competitor")
    MISSED_DELIVERABLES = "missed_deliverables", _("Missed deliverables")
    OTHER = "other", _("Other")


RISK_SCORE_LABELS = {1: _("Critical"), 2: _("High"), 3: _("Moderate"), 4: _("Low")}


class RiskAssessment(models.Model):
    """The AM's judgement of churn risk. Append-only: the history is the trend."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="risk_assessments")
    score = score_field(_("risk score"), help_text=_("1 = highest risk, 4 = lowest."))
    communication_level = score_field(_("communication level"), help_text=_("1 = silent, 4 = open and regular."))
    reasons = models.JSONField(_("risk reasons"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    assessed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = "assessed_at"
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [models.Index(fields=["client", "-assessed_at"])]
        constraints = [
            between("score", 1, 4, "risk_score_1_to_4"),
            between("communication_level", 1, 4, "risk_communication_level_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.score}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and not kwargs.get("force_insert"):
            raise AppendOnly(_("Risk assessments are append-only; record a new one."))
        super().save(*args, **kwargs)

    @property
    def score_label(self) -> str:
        return RISK_SCORE_LABELS.get(self.score, "")


class AppendOnly(ValueError):
    """Raised when anything tries to change a history row."""


class ReviewDecision(models.Model):
    """Leadership's decision on a review-queue entry: which score stands, and why."""

    class Verdict(models.TextChoices):
        RISK_SCORE_STANDS = "risk_score", _("The AM's risk score stands")
        HEALTH_SIGNAL_STANDS = "health_signal", _("The health signal stands")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="review_decisions")
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="review_decisions")
    health_score = score_field(_("health signal"))
    verdict = models.CharField(_("decision"), max_length=20, choices=Verdict.choices)
    reason = models.CharField(_("why"), max_length=500)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("review-queue decision")
        verbose_name_plural = _("review-queue decisions")
        constraints = [
            between("health_score", 1, 4, "review_decision_health_1_to_4"),
            models.CheckConstraint(condition=~Q(reason=""), name="review_decision_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_verdict_display()}"


class EarlyWarning(models.Model):
    """A rule that fired for a client, kept so alerts go out once per firing."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="early_warnings")
    rule = models.CharField(_("rule"), max_length=30, choices=WarningRule.Code.choices)
    reason = models.CharField(_("reason"), max_length=300)
    fired_on = models.DateField(_("fired on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    notified_at = models.DateTimeField(_("AM notified at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-fired_on", "client"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            # One open firing per client and rule.
            models.UniqueConstraint(
                fields=["client", "rule"], condition=Q(resolved_on__isnull=True), name="early_warning_one_open_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.reason}"


# --- contacts, reviews, tactics, NPS, revenue ----------------------------------------------


class Contact(models.Model):
    """A logged touchpoint with the client."""

    class Channel(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        CHAT = "chat", _("Chat")

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    who = models.CharField(_("who"), max_length=200, help_text=_("The client's people in the conversation."))
    summary = models.TextField(_("summary"), max_length=4000)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL)
    logged_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="contacts_logged")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["client", "-contacted_on"])]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_channel_display()} · {self.contacted_on}"


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

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="quarterly_reviews")
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


class Outcome(models.TextChoices):
    PENDING = "pending", _("Running")
    WIN = "win", _("Win")
    LOSS = "loss", _("Loss")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class Tactic(models.Model):
    """An action tried for a client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tactics")
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

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="experiments")
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
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="nps_responses")
    score = score_field(_("score"), low=0, high=10)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    responded_on = models.DateField(_("date"))
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

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="revenue_events")
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

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField(_("date"))
    is_active = models.BooleanField(default=True)
    mrr = money_field(_("MRR"), default=ZERO)
    risk_score = score_field(_("risk score"), null=True, blank=True)
    health_score = score_field(_("health signal"), null=True, blank=True)
    days_since_contact = models.PositiveIntegerField(null=True, blank=True)
    goals_due = models.PositiveIntegerField(default=0)
    goals_hit = models.PositiveIntegerField(default=0)
    tasks_due = models.PositiveIntegerField(default=0)
    tasks_on_time = models.PositiveIntegerField(default=0)
    open_tasks = models.PositiveIntegerField(default=0)
    overdue_tasks = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=9, decimal_places=2, default=ZERO)
    warnings = models.PositiveSmallIntegerField(default=0)

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
