"""The User with its role, and pods."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_WEEKLY_CAPACITY = Decimal("32")  # DESIGN "Capacity": weekly hours available, default 32


class Role(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership")
    POD_LEAD = "pod_lead", _("Pod lead")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    DESIGNER = "designer", _("Designer")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Read-only (marketing, advisor)")


def mask_url(url: str) -> str:
    """`https://hooks.slack.com/…`: enough to tell which service, nothing of the secret path,
    query or user info (a webhook URL is its own password). Pure."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How a person is named on screen (`str(user)`), from their fields alone: for lists that read
    the fields rather than build a User per row."""
    return f"{first_name} {last_name}".strip() or username


class Pod(models.Model):
    """A standing team of two AMs and one designer, led by a pod lead."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    lead = models.ForeignKey(
        "accounts.User",
        verbose_name=_("pod lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_pods",
    )
    specialised = models.BooleanField(
        _("specialised work"),
        db_default=True,
        help_text=_(
            "A team of one craft (the usual pod): its lead is flagged above SPAN_OF_CONTROL_LIMIT reports (8). "
            "Untick for a general team: flagged above SPAN_OF_CONTROL_LIMIT_GENERAL (15)."
        ),
    )

    # The pod's chat channel (a Slack or Teams incoming webhook). The URL is a credential: it is
    # masked in admin lists and never logged (godview/webhooks.py); the nightly post's outcome is
    # kept here for the pod page.
    webhook_kind = models.CharField(
        _("chat channel"),
        max_length=10,
        choices=[("slack", "Slack"), ("teams", "Microsoft Teams")],
        blank=True,
        db_default="",
    )
    webhook_url = models.URLField(
        _("incoming webhook URL"),
        max_length=500,
        blank=True,
        db_default="",
        help_text=_("New high-priority early warnings and overdue actions are posted here after the nightly run."),
    )
    webhook_posted_through = models.BigIntegerField(
        _("early warnings posted up to (id)"), null=True, blank=True, editable=False
    )
    webhook_last_success_at = models.DateTimeField(_("last post"), null=True, blank=True, editable=False)
    webhook_last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True, editable=False)
    webhook_last_failure = models.CharField(
        _("last failure message"), max_length=300, blank=True, db_default="", editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("pod")
        verbose_name_plural = _("pods")

    def __str__(self) -> str:
        return self.name

    @property
    def webhook_url_masked(self) -> str:
        return mask_url(self.webhook_url)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ACCOUNT_MANAGER)
    pod = models.ForeignKey(
        Pod,
        verbose_name=_("pod"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    title = models.CharField(_("title"), max_length=80, blank=True)
    cost_rate = models.DecimalField(
        _("cost rate per hour"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Blank uses the blended cost rate setting."),
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    # DESIGN "Capacity": the weekly hours a person has for client work; utilisation is against it.
    weekly_capacity = models.DecimalField(
        _("capacity (hours per week)"),
        max_digits=4,
        decimal_places=1,
        default=DEFAULT_WEEKLY_CAPACITY,
        db_default=DEFAULT_WEEKLY_CAPACITY,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("80"))],
        help_text=_("Hours per week available for client work (0 for someone who logs none, e.g. on leave)."),
    )
    # Blank follows the browser (Accept-Language, or the menu's cookie); a choice here wins on
    # every request and in the person's emails (accounts.middleware, godview.alerts).
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        db_default="",
        help_text=_("The language of the pages and emails. Blank follows the browser."),
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_rate__isnull=True) | models.Q(cost_rate__gte=0),
                name="user_cost_rate_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_capacity__gte=0, weekly_capacity__lte=80),
                name="user_weekly_capacity_0_to_80",
            ),
        ]

    def __str__(self) -> str:
        return person_name(self.first_name, self.last_name, self.username)

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.LEADERSHIP

    @property
    def reads_everything(self) -> bool:
        """Leadership, and the read-only role (marketing, an advisor): every dashboard, no writes."""
        return self.sees_everything or self.role == Role.VIEWER

    @property
    def is_finance(self) -> bool:
        return self.role == Role.FINANCE

    @property
    def is_pod_lead(self) -> bool:
        return self.role == Role.POD_LEAD
