"""Handoff and onboarding: templates a new client starts from, and the AM's handoff checklist.

An onboarding template (admin) holds the kickoff plan's items, the expectation agreement's
response time, the first objectives to set and the handoff notes from sales. Applying it to a
client (clients.onboarding) creates those items through the client record's own services; the
handoff keeps who sold the client, what was promised, and the checklist the AM ticks.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ScopedQuerySet, Tier


class OnboardingTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("for tier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Suggested for new clients of this tier; any template can be applied."),
    )
    agreed_response_days = models.PositiveSmallIntegerField(
        _("expectation agreement: answers within (business days)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    objective_days = models.PositiveSmallIntegerField(
        _("first objectives run for (days)"), default=90, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("onboarding template")
        verbose_name_plural = _("onboarding templates")

    def __str__(self) -> str:
        return self.name


class OnboardingTemplateItem(models.Model):
    """One line of a template: a kickoff plan item, a first objective, or a handoff note from sales."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kickoff plan item")
        OBJECTIVE = "objective", _("First objective")
        HANDOFF = "handoff", _("Handoff note from sales")

    template = models.ForeignKey(OnboardingTemplate, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=1, validators=[MinValueValidator(1)])
    text = models.CharField(_("text"), max_length=300)
    metric = models.CharField(_("metric (objectives)"), max_length=100, blank=True)
    baseline = models.DecimalField(
        _("baseline (objectives)"), max_digits=14, decimal_places=2, default=Decimal("0"), blank=True
    )
    target = models.DecimalField(_("target (objectives)"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["template", "kind", "position", "pk"]
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="onboarding_item_has_text"),
            models.CheckConstraint(
                condition=~Q(kind="objective") | (Q(target__isnull=False) & ~Q(metric="")),
                name="onboarding_objective_has_metric_and_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class Handoff(models.Model):
    """Sales' handoff of a new client to its AM: who sold it, what was promised, and a checklist."""

    client = models.OneToOneField("Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="handoff")
    template = models.ForeignKey(
        OnboardingTemplate, verbose_name=_("template"), on_delete=models.SET_NULL, null=True, blank=True
    )
    sold_by = models.CharField(_("sold by"), max_length=200)
    promised = models.TextField(_("what was promised"), max_length=4000)
    started_on = models.DateField(_("onboarding started"), default=timezone.localdate)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        constraints = [
            models.CheckConstraint(condition=~Q(sold_by=""), name="handoff_names_the_seller"),
            models.CheckConstraint(condition=~Q(promised=""), name="handoff_says_what_was_promised"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.sold_by}"


class HandoffItemQuerySet(ScopedQuerySet):
    client_path = "handoff__client__"


class HandoffItem(models.Model):
    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1)])
    text = models.CharField(_("checklist item"), max_length=300)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = HandoffItemQuerySet.as_manager()

    class Meta:
        ordering = ["handoff", "position"]
        verbose_name = _("handoff checklist item")
        verbose_name_plural = _("handoff checklist items")
        constraints = [models.UniqueConstraint(fields=["handoff", "position"], name="handoff_item_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"
