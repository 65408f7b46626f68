"""Work pulled from the agency's project tools (Asana, ClickUp) and the runs that pull it."""

import os
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, ScopedQuerySet
from core.weeks import agency_tz


class Source(models.Model):
    """A connected project tool: one Asana workspace or one ClickUp team."""

    class Kind(models.TextChoices):
        ASANA = "asana", "Asana"
        CLICKUP = "clickup", "ClickUp"

    DEFAULT_BASE_URLS = {
        Kind.ASANA: "https://app.asana.com/api/1.0",
        Kind.CLICKUP: "https://api.clickup.com/api/v2",
    }

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    base_url = models.URLField(
        _("API base URL"), blank=True, help_text=_("Blank uses the vendor's; set it for a proxy or a test server.")
    )
    workspace_id = models.CharField(_("workspace / team id"), max_length=64)
    token_env_var = models.CharField(
        _("token environment variable"),
        max_length=64,
        help_text=_("The name of the environment variable holding the API token; the token itself is never stored."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    cursor = models.DateTimeField(_("synced up to"), null=True, blank=True)
    last_full_sync_at = models.DateTimeField(_("last full reconciliation"), null=True, blank=True)
    # Asana answers 402/403 for time tracking on plans without it: the day that was first seen,
    # cleared when entries come back (each run still asks once, so an upgrade is noticed).
    time_tracking_unavailable_since = models.DateField(_("time tracking unavailable since"), null=True, blank=True)
    # [email, tasks, open tasks] of every email its live tasks are assigned to that matches no user,
    # counted at the end of each run (tasks.services), so the sync page never groups the task table.
    unknown_assignees = models.JSONField(_("unknown assignees"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(token_env_var__regex=r"^[A-Z_][A-Z0-9_]*$"), name="source_token_env_var_is_a_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def api_base_url(self) -> str:
        return (self.base_url or self.DEFAULT_BASE_URLS[self.kind]).rstrip("/")

    @property
    def token_is_set(self) -> bool:
        """Whether this process sees the token (the worker needs it too: README)."""
        return bool(os.environ.get(self.token_env_var, "").strip())


class ExternalProject(models.Model):
    """An Asana project or ClickUp list, mapped to a client in admin."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="projects")
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.TextField(_("name"))  # whole, however long the tool lets it be
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="external_projects",
    )
    archived = models.BooleanField(_("archived"), default=False)
    # The client the name points to (tasks.naming), stored when the sync first sees the project or
    # its new name: admin maps it with one click, and no screen matches names per request.
    suggested_client = models.ForeignKey(
        Client, verbose_name=_("suggested client"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField(default=timezone.now)
    # Set once the project's whole history has been pulled; a project mapped later starts from scratch.
    first_synced_at = models.DateTimeField(_("first synced"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["source", "name"]
        verbose_name = _("external project")
        verbose_name_plural = _("external projects")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="external_project_unique_per_source")
        ]

    def __str__(self) -> str:
        return self.name


class TaskQuerySet(ScopedQuerySet):
    def live(self) -> "TaskQuerySet":
        return self.filter(deleted_at__isnull=True)

    def originally_due_on(self, day) -> "TaskQuerySet":
        """Tasks whose original due date is `day`: the moved ones by their own index, the others
        (whose original due date is their due date) by the due-date one."""
        return self.filter(Q(original_due_on=day) | Q(original_due_on__isnull=True, due_on=day))


class Task(models.Model):
    """A work item pulled from a source, keyed by (source, external id)."""

    # Single-column indexes on source, client and assignee are left out on purpose: the unique
    # (source, external id) and the composite indexes below lead with them, and every extra index
    # slows the nightly upsert (bench/sync.py).
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    external_id = models.CharField(_("external id"), max_length=64)
    project = models.ForeignKey(
        ExternalProject,
        verbose_name=_("home project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", db_index=False
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="subtasks", db_index=False
    )
    # The source's id of the parent: subtasks may arrive before their parent, the link follows.
    parent_external_id = models.CharField(_("parent external id"), max_length=64, blank=True)
    # Text, not a capped varchar: a name is kept whole, however long (Postgres stores both alike).
    name = models.TextField(_("name"))
    assignee = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", db_index=False
    )
    assignee_email = models.EmailField(_("assignee email"), blank=True)
    section = models.TextField(_("section / status"), blank=True)
    created_at_source = models.DateTimeField(_("created"))
    started_on = models.DateField(_("start date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # The first due date God-view saw, stored when the due date first moves (DueDateChange has
    # each move); empty while it never moved, when the original due date *is* `due_on`. So a first
    # load and an unchanged rerun write nothing more: the original costs only the tasks that move.
    original_due_on = models.DateField(_("original due date, once it moved"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    modified_at = models.DateTimeField(_("modified at source"))
    deleted_at = models.DateTimeField(_("deleted at source"), null=True, blank=True)
    waiting_on_client_hours = models.DecimalField(
        _("hours waiting on client"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    synced_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["client", "due_on"]),
            # The open tasks by due date: the overdue list and its page (at 10 M tasks, 531,600 open).
            models.Index(
                fields=["due_on"], condition=Q(completed_at__isnull=True, deleted_at__isnull=True), name="task_open_due"
            ),
            models.Index(fields=["assignee", "due_on"]),
            models.Index(fields=["client", "completed_at"]),
            # Most tasks have no parent: indexing only those that do spares every insert of the others.
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="task_parent"),
            # Subtasks waiting for their parent link: few rows, found without scanning the source.
            models.Index(
                fields=["source", "parent_external_id"],
                condition=~Q(parent_external_id=""),
                name="task_subtask_parent_ext",
            ),
            # Live tasks by their first due date: the on-time list's period, soonest first, without
            # reading every task (at 10 M tasks the list took 0.9 s; the sync pays for it, BENCHMARKS).
            models.Index(
                Coalesce("original_due_on", "due_on"), condition=Q(deleted_at__isnull=True), name="task_first_due"
            ),
            # Tasks whose due date moved, by their original one (the on-time rate's day): only
            # those rows are in it, so inserting a task that never moved does not touch it.
            models.Index(
                fields=["client", "original_due_on"],
                condition=Q(original_due_on__isnull=False),
                name="task_client_original_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="task_unique_per_source"),
            models.CheckConstraint(condition=Q(waiting_on_client_hours__gte=0), name="task_waiting_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def original_due_date(self):
        """The first due date God-view saw: the deadline the on-time rate holds the task to."""
        return self.original_due_on if self.original_due_on is not None else self.due_on

    @property
    def slipped(self) -> bool:
        """Its due date now lies later than the original one (or was taken away)."""
        return self.original_due_on is not None and (self.due_on is None or self.due_on > self.original_due_on)

    @property
    def completed_late(self) -> bool:
        """Completed after the end (agency time) of its original due date."""
        due = self.original_due_date
        return bool(self.completed_at and due and self.completed_at.astimezone(agency_tz()).date() > due)


class DueDateChangeQuerySet(ScopedQuerySet):
    client_path = "task__client__"

    def slips(self) -> "DueDateChangeQuerySet":
        """Changes that moved a due date later, or took it away: the deadline was pushed back."""
        return self.filter(old_due_on__isnull=False).filter(
            Q(new_due_on__isnull=True) | Q(new_due_on__gt=models.F("old_due_on"))
        )


class DueDateChange(models.Model):
    """A due date moved at the source, as the sync saw it. Append-only: the history of a deadline.

    Setting a first due date on a task that had none is not a change (it is the original one).
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="due_date_changes", db_index=False)
    old_due_on = models.DateField(_("old due date"), null=True, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)

    objects = DueDateChangeQuerySet.as_manager()

    class Meta:
        ordering = ["seen_at", "pk"]
        verbose_name = _("due-date change")
        verbose_name_plural = _("due-date changes")
        indexes = [
            models.Index(fields=["task", "seen_at"], name="due_change_task_seen"),  # a task's latest change
            models.Index(fields=["seen_at"], name="due_change_seen"),  # slips in a period
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.old_due_on or '—'} → {self.new_due_on or '—'}"

    @property
    def is_slip(self) -> bool:
        return self.old_due_on is not None and (self.new_due_on is None or self.new_due_on > self.old_due_on)


class TimeEntry(models.Model):
    """Hours a person spent on a client, from ClickUp or Asana time tracking, or logged by hand."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, null=True, blank=True, related_name="time_entries")
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_entries")
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_entries")
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_entries")
    started_at = models.DateTimeField(_("started"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.TextField(_("description"), blank=True)
    # When God-view stored or last changed it: a late entry (logged today for last week) tells the
    # nightly rollup which past days to recompute.
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_default=Now())

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["client", "started_at"]),
            models.Index(fields=["user", "started_at"]),
            # This month's hours for every client in scope (/revenue/'s live month), read from the index.
            models.Index(fields=["started_at"], include=["client", "user", "hours"], name="time_entry_started"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(external_id__isnull=False),
                name="time_entry_unique_per_source",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="time_entry_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.hours} h"


class MonthlyHours(models.Model):
    """A client's hours of a month (agency time) by the person who logged them, summed from the time
    entries by each rollup for the months it touched (`tasks.hours.refresh_months`): what
    /revenue/'s cost of hours reads for the closed months (a year of entries is 480,000 rows at
    10,000 clients). The cost is worked out when read, at the person's cost rate of the day."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    month = models.DateField(_("month"))  # its first day
    hours = models.DecimalField(_("hours"), max_digits=11, decimal_places=2)

    class Meta:
        verbose_name = _("month of hours")
        verbose_name_plural = _("months of hours")
        indexes = [
            models.Index(fields=["month", "client"], include=["user", "hours"], name="monthly_hours_month_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.month:%Y-%m} · {self.hours} h"


class WeeklyHours(models.Model):
    """A person's hours of an agency week (Monday to Sunday), every entry they logged, with a client
    or not, summed by each rollup for the weeks it touched (`tasks.hours.refresh_person_weeks`):
    what /capacity/'s hours per week read (four weeks of entries are 40,000 rows at 10,000 clients,
    their weeks 5,000)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("week starting"))
    hours = models.DecimalField(_("hours"), max_digits=11, decimal_places=2)

    class Meta:
        verbose_name = _("week of hours")
        verbose_name_plural = _("weeks of hours")
        constraints = [models.UniqueConstraint(fields=["user", "week_start"], name="weekly_hours_one_per_week")]
        indexes = [models.Index(fields=["week_start", "user"], include=["hours"], name="weekly_hours_week_user")]

    def __str__(self) -> str:
        return f"{self.user_id} · week of {self.week_start} · {self.hours} h"


class PersonLoad(models.Model):
    """A person's load at the last rollup (DESIGN "Load"): the open tasks assigned to them due from
    the rollup's day to LOAD_DAYS after it, counted by the rollup (`tasks.load.refresh_load`), so
    /capacity/ reads one row per person instead of the open tasks. Like the overdue stock, it is
    as fresh as the rollup; the rows behind it are the live tasks of the same window."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    as_of = models.DateField(_("as of"))
    tasks = models.PositiveIntegerField(_("open tasks due"))

    class Meta:
        verbose_name = _("load")
        verbose_name_plural = _("loads")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.as_of} · {self.tasks}"


class SyncRun(models.Model):
    """One run of the sync for one source, with counts and errors."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Succeeded with skipped records")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        INCREMENTAL = "incremental", _("Incremental")
        FULL = "full", _("Full reconciliation")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.INCREMENTAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    time_entries = models.PositiveIntegerField(default=0)
    due_date_changes = models.PositiveIntegerField(_("due dates moved"), default=0)
    # Counted once at the end of a run, so the sync page never counts millions of tasks per view.
    live_tasks = models.PositiveIntegerField(_("live tasks after the run"), null=True, blank=True)
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_message = models.TextField(_("failure"), blank=True)
    cursor_before = models.DateTimeField(null=True, blank=True)
    cursor_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        get_latest_by = "queued_at"
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        indexes = [models.Index(fields=["source", "-queued_at"])]
        constraints = [
            # One run per source at a time: the lock is the database's, not a cache's.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=["queued", "running"]),
                name="sync_run_one_active_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.queued_at:%Y-%m-%d %H:%M} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def badge_class(self) -> str:
        return {
            self.Status.SUCCEEDED: "badge-good",
            self.Status.PARTIAL: "badge-warn",
            self.Status.FAILED: "badge-bad",
        }.get(self.status, "badge-info")

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def skipped_errors(self) -> list[dict]:
        return [e for e in self.errors or [] if e.get("kind") == "skipped"]

    @property
    def retry_errors(self) -> list[dict]:
        return [e for e in self.errors or [] if e.get("kind") == "retry"]


class GoalTaskQuerySet(ScopedQuerySet):
    client_path = "goal__client__"


class GoalTask(models.Model):
    """A weekly goal linked to the Asana or ClickUp task where its work lives (issue 20, item 3).

    Here, on the tasks floor, because clients must not know tasks; one task per goal, and the task
    belongs to the goal's client (tasks.goal_links checks it). The goal shows the task's state."""

    goal = models.OneToOneField(
        "clients.WeeklyGoal", verbose_name=_("weekly goal"), on_delete=models.CASCADE, related_name="task_link"
    )
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="goal_links")
    linked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    objects = GoalTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal's task")
        verbose_name_plural = _("goals' tasks")

    def __str__(self) -> str:
        return f"{self.goal_id} → {self.task_id}"
