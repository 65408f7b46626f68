"""Risk assessments (append-only), review-queue decisions, early warnings and contacts."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, WarningRule, between, score_field
from core.sayings import said
from core.weeks import today

if TYPE_CHECKING:
    pass


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

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="risk_assessments")
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
        refresh_current_state([self.client_id])

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

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="review_decisions")
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

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="early_warnings")
    rule = models.CharField(_("rule"), max_length=30, choices=WarningRule.Code.choices)
    reason = models.CharField(_("reason"), max_length=300)  # in English; `text` says it in the reader's language
    saying = models.JSONField(_("reason, as data"), default=list, blank=True, editable=False)
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

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        refresh_current_state([self.client_id])

    @property
    def text(self) -> str:
        """The reason in the active language (a row written before reasons were kept as data: as stored)."""
        return said(self.saying) if self.saying else self.reason


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

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    who = models.CharField(_("who"), max_length=200, help_text=_("The client's people in the conversation."))
    summary = models.TextField(_("summary"), max_length=4000)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL)
    logged_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="contacts_logged")
    agency_people = models.ManyToManyField(
        User,
        verbose_name=_("from the agency"),
        blank=True,
        related_name="contacts_attended",
        help_text=_("Who from the agency took part."),
    )
    problem = models.CharField(
        _("problem raised"),
        max_length=30,
        choices=RiskReason.choices,
        blank=True,
        db_default="",
        help_text=_("What the client complained about (a negative contact); the voice of the client counts it."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["client", "-contacted_on"])]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_channel_display()} · {self.contacted_on}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        refresh_current_state([self.client_id])

    def clean(self) -> None:
        if self.contacted_on and self.contacted_on > today():
            raise ValidationError({"contacted_on": _("A contact cannot be dated in the future.")})


def refresh_current_state(client_ids=None) -> int:
    """Store each client's current state: the latest risk assessment and its score, the latest
    snapshot's health signal and date, the last contact, the open early warnings and the oldest
    open action's due date (one UPDATE; every client when `client_ids` is None). Saving an
    assessment, a snapshot, a contact, a warning or an action calls it for its client; bulk
    writers (the rollup, the plays, the demo) call it after."""
    Client = RiskAssessment._meta.get_field("client").related_model  # client.py imports this module
    DailySnapshot = Client._meta.get_field("snapshots").related_model  # and so does outcomes.py
    Action = Client._meta.get_field("actions").related_model  # actions.py imports this module
    clients = Client.objects.all() if client_ids is None else Client.objects.filter(pk__in=list(client_ids))
    latest_risk = RiskAssessment.objects.filter(client=OuterRef("pk")).order_by("-assessed_at", "-pk")
    snapshot = DailySnapshot.objects.filter(client=OuterRef("pk")).order_by("-date")
    contact = Contact.objects.filter(client=OuterRef("pk")).order_by("-contacted_on").values("contacted_on")[:1]
    warnings = (
        EarlyWarning.objects.filter(client=OuterRef("pk"), resolved_on__isnull=True)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    oldest_open = (
        Action.objects.filter(client=OuterRef("pk"), status=Action.Status.OPEN)
        .order_by()
        .values("client")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    return clients.update(
        oldest_open_action_on=Subquery(oldest_open),
        latest_assessment=Subquery(latest_risk.values("pk")[:1]),
        latest_risk_score=Subquery(latest_risk.values("score")[:1]),
        latest_health_score=Subquery(snapshot.values("health_score")[:1]),
        latest_health_on=Subquery(snapshot.values("date")[:1]),
        latest_contact_on=Subquery(contact),
        open_warning_count=Coalesce(Subquery(warnings), Value(0)),
    )
