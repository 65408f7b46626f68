"""Training modules, required per role, and each person's results."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.weeks import today


class TrainingModule(models.Model):
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=80)
    required_roles = models.JSONField(
        _("required for roles"), default=list, blank=True, help_text=_("Role codes that must take this module.")
    )
    passing_score = models.PositiveSmallIntegerField(
        _("passing score"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    version = models.PositiveSmallIntegerField(
        _("version"), default=1, validators=[MinValueValidator(1)], help_text=_("A new version requires retaking.")
    )
    procedure = models.TextField(_("procedure (Markdown)"), blank=True)
    procedure_url = models.URLField(_("procedure link"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        constraints = [
            models.CheckConstraint(
                condition=Q(passing_score__gte=0, passing_score__lte=100), name="module_passing_score_0_to_100"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="module_version_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training_module", args=[self.pk])

    def is_required_for(self, role: str) -> bool:
        return self.active and role in self.required_roles

    def required_role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.required_roles if code in Role.values]


class TrainingResult(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training_results")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="results")
    version = models.PositiveSmallIntegerField(_("module version"), validators=[MinValueValidator(1)])
    completed_on = models.DateField(_("completed on"))
    score = models.DecimalField(
        _("test score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training result")
        verbose_name_plural = _("training results")
        constraints = [
            models.UniqueConstraint(fields=["user", "module", "version"], name="training_result_one_per_version"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="training_result_score_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.module} v{self.version}: {self.score}"

    def clean(self) -> None:
        if self.completed_on and self.completed_on > today():
            raise ValidationError({"completed_on": _("A result cannot be completed in the future.")})


class ExecutionFailure(models.Model):
    """Leadership or a pod lead records a person's execution failure on a client and the training
    module that covers it; the module is assigned to the person (TrainingAssignment)."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="execution_failures"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="execution_failures"
    )
    what_went_wrong = models.TextField(_("what went wrong"), max_length=2000)
    module = models.ForeignKey(
        TrainingModule, verbose_name=_("training module"), on_delete=models.PROTECT, related_name="failures"
    )
    occurred_on = models.DateField(_("when"))
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("execution failure")
        verbose_name_plural = _("execution failures")
        constraints = [models.CheckConstraint(condition=~Q(what_went_wrong=""), name="failure_says_what_went_wrong")]

    def __str__(self) -> str:
        return f"{self.person} · {self.client}: {self.module}"


class TrainingAssignment(models.Model):
    """A module someone must take by a date (from an execution failure). Done once the person has a
    passing result for the module's current version on or after the assignment."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="assignments")
    module = models.ForeignKey(
        TrainingModule, verbose_name=_("training module"), on_delete=models.CASCADE, related_name="assignments"
    )
    due_on = models.DateField(_("due"))
    assigned_on = models.DateField(_("assigned on"))
    failure = models.OneToOneField(
        ExecutionFailure, on_delete=models.CASCADE, null=True, blank=True, related_name="assignment"
    )
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("assigned_on")), name="assignment_due_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.module} by {self.due_on}"
