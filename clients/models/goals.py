"""90-day objectives, weekly goals with fixed deadlines, and postponements."""

import datetime as dt
from typing import TYPE_CHECKING

from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models.base import ZERO, ScopedQuerySet, is_monday, not_negative
from clients.models.goal_weeks import TALLY_FIELDS, goal_tally, goal_week_add

if TYPE_CHECKING:
    from clients.scoring import Pace


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

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="objectives")
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

    def pace(self, on: dt.date, points: float | None = None) -> "Pace":
        """Progress against time elapsed on `on` (DESIGN "Objective pace"); behind by more than
        `points` (the objective-behind rule's threshold, 25 by default)."""
        from clients.scoring import BEHIND_PACE_POINTS, objective_pace

        return objective_pace(
            points=BEHIND_PACE_POINTS if points is None else float(points),
            baseline=self.baseline,
            target=self.target,
            current=self.current_value,
            start=self.start_date,
            due=self.due_date,
            on=on,
        )


class WeeklyGoalQuerySet(ScopedQuerySet):
    def counted(self) -> "WeeklyGoalQuerySet":
        """Goals that count in the hit rate: all but those cancelled in time and in good faith.

        A cancel after the deadline (refused since, kept for old rows) and a cancel whose goal was
        created again within two weeks (a postponement in disguise) count, as misses."""
        honest_cancel = Q(status=WeeklyGoal.Status.CANCELLED, recreated_as__isnull=True) & (
            Q(status_changed_at__isnull=True) | Q(status_changed_at__lte=F("deadline"))
        )
        return self.exclude(honest_cancel)

    def disguised_postponements(self) -> "WeeklyGoalQuerySet":
        """Cancelled goals created again for the same client within two weeks."""
        return self.filter(status=WeeklyGoal.Status.CANCELLED, recreated_as__isnull=False)


class WeeklyGoal(models.Model):
    """What an AM commits to for one client in one week. Its deadline is fixed at creation."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey("Client", on_delete=models.CASCADE, related_name="weekly_goals")
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
    recreated_as = models.OneToOneField(
        "self",
        verbose_name=_("created again as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recreates",
        help_text=_("A cancelled goal created again within two weeks: a postponement in disguise, counted as a miss."),
    )
    added_late_reason = models.CharField(
        _("why added after its week"),
        max_length=300,
        blank=True,
        db_default="",
        help_text=_("Goals for a past week are added only by leadership, with a reason."),
    )
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
        with transaction.atomic():
            before = None
            if not self._state.adding:
                before = WeeklyGoal.objects.filter(pk=self.pk).values(*TALLY_FIELDS).first()
            super().save(*args, **kwargs)
            self._tally_change(before, kwargs.get("update_fields"))
        self._loaded_deadline = self.deadline

    def _tally_change(self, before: dict | None, update_fields) -> None:
        """Add the change of this goal's counts to its account manager's week (`GoalWeek`)."""
        saved = {f for f in TALLY_FIELDS if update_fields is None or f.removesuffix("_id") in update_fields}
        after = dict(before or {}) | {f: getattr(self, f) for f in saved}
        change = [a - b for a, b in zip(goal_tally(after), goal_tally(before), strict=True)]
        if any(change):
            clients = WeeklyGoal._meta.get_field("client").related_model.objects  # its cell now, not as cached
            cell = clients.filter(pk=self.client_id).values_list("account_manager_id", "tier_id").get()
            goal_week_add(*cell, self.week_start, *change)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded_deadline = instance.__dict__.get("deadline")
        return instance

    @property
    def cancellable(self) -> bool:
        """Only an open goal, and only before its deadline: after it, an open goal is a miss."""
        return self.status == self.Status.OPEN and timezone.now() <= self.deadline

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
