"""Shared field builders and constraints, tiers and early-warning rules, lifecycle and churn codes."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import client_scope, revenue_scope

if TYPE_CHECKING:
    pass


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


def add_to_cell(model: type[models.Model], account_manager_id: int | None, tier_id: int, week, values: dict) -> None:
    """Add `values` to the counts of one (account manager, tier, week) row of `model` (GoalWeek,
    SnapshotWeek): an atomic increment, so two writers never lose each other's change; the row is
    made when missing."""
    if not any(values.values()):
        return
    rows = model.objects.filter(account_manager_id=account_manager_id, tier_id=tier_id, week_start=week)
    change = {name: F(name) + n for name, n in values.items()}
    if rows.update(**change):
        return
    try:
        with transaction.atomic():
            model.objects.create(account_manager_id=account_manager_id, tier_id=tier_id, week_start=week, **values)
    except IntegrityError:  # made meanwhile by another writer
        rows.update(**change)


def replace_cells(cells: models.QuerySet, sums: models.QuerySet, columns: tuple[str, ...]) -> int:
    """Replace the rows `cells` of a per-cell table (GoalWeek, SnapshotWeek) with those `sums`
    selects, its columns in `columns`' order: a delete and one INSERT … SELECT. On Postgres the
    table is locked first, so a writer adding to a row meanwhile adds after, to the new rows."""
    table = cells.model._meta.db_table
    select, params = sums.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cells.delete()  # one DELETE: nothing points at these rows and they are not audited
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {select}", params)
        return cursor.rowcount


class ScopedQuerySet(models.QuerySet):
    """A QuerySet of a client-scoped model; `client_path` reaches Client from it."""

    client_path = "client__"

    def visible_to(self, user: User) -> "ScopedQuerySet":
        return self.filter(client_scope(user, self.client_path))

    def for_revenue(self, user: User) -> "ScopedQuerySet":
        """As `visible_to`, with finance seeing every client's revenue (and no client workspace)."""
        return self.filter(revenue_scope(user, self.client_path))


# --- reference data ------------------------------------------------------------------------


class Tier(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    is_premium = models.BooleanField(_("premium"), default=False)
    stale_contact_days = models.PositiveSmallIntegerField(
        _("stale contact after (days)"), validators=[MinValueValidator(1)]
    )
    # The service format (issue 20): a call or meeting is due every `cadence_days`, with a senior
    # person (leadership or a pod lead) among the agency's people when `cadence_needs_senior`.
    cadence_days = models.PositiveSmallIntegerField(
        _("contact cadence (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A call or meeting is due this often; blank: no cadence."),
    )
    cadence_needs_senior = models.BooleanField(
        _("a senior person takes part"),
        db_default=False,
        help_text=_("Only calls or meetings with leadership or a pod lead among the agency's people count."),
    )

    class Meta:
        ordering = ["-is_premium", "name"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [models.CheckConstraint(condition=Q(stale_contact_days__gte=1), name="tier_stale_days_positive")]

    def __str__(self) -> str:
        # The default tiers' names are in the catalogs (clients/defaults.py); a name an admin
        # typed is shown as typed.
        return gettext(self.name)


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
        TASK_SLIPS = "task_slips", _("Tasks slipping (due dates moved later)")
        NO_OBJECTIVE_GOAL = "no_objective_goal", _("No goal tied to an open objective this week")
        RENEWAL_DUE = "renewal_due", _("Renewal due with risk 1–2")
        OFF_CADENCE = "off_cadence", _("Off the tier's contact cadence")

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
