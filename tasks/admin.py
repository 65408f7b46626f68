"""Admin for the sync: sources (the token's variable name, never the token), project mapping
with name-based suggestions, and read-only runs, tasks and time entries."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin
from tasks.models import DueDateChange, ExternalProject, Source, SyncRun, Task, TimeEntry
from tasks.services import external_project_set_client, sync_run_enqueue


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "workspace_id", "token_env_var", "enabled", "cursor", "last_full_sync_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "workspace_id"]
    readonly_fields = ["cursor", "last_full_sync_at", "time_tracking_unavailable_since", "unknown_assignees"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "enabled"]}),
        (_("Connection"), {"fields": ["base_url", "workspace_id", "token_env_var"]}),
        (_("Progress"), {"fields": ["cursor", "last_full_sync_at", "time_tracking_unavailable_since"]}),
    ]
    actions = ["sync_now", "full_reconciliation"]

    @admin.action(description=_("Sync now"))
    def sync_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._enqueue(request, queryset, SyncRun.Mode.INCREMENTAL)

    @admin.action(description=_("Full reconciliation now (marks deleted tasks)"))
    def full_reconciliation(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._enqueue(request, queryset, SyncRun.Mode.FULL)

    def _enqueue(self, request: HttpRequest, queryset: QuerySet[Source], mode: str) -> None:
        queued = sum(sync_run_enqueue(source=s, mode=mode, requested_by=request.user)[1] for s in queryset)
        self.message_user(request, ngettext("%d run queued.", "%d runs queued.", queued) % queued, messages.SUCCESS)


class MappedFilter(admin.SimpleListFilter):
    title = _("mapped to a client")
    parameter_name = "mapped"

    def lookups(self, request, model_admin):
        return [("yes", _("Mapped")), ("no", _("Unmapped"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(client__isnull=self.value() == "no")
        return queryset


@admin.register(ExternalProject)
class ExternalProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "client", "suggestion", "archived", "first_synced_at", "last_seen_at"]
    list_filter = [MappedFilter, "source", "archived"]
    list_select_related = ["source", "client", "suggested_client"]
    search_fields = ["name", "external_id", "client__name"]
    autocomplete_fields = ["client"]
    fields = ["source", "external_id", "name", "client", "suggestion", "archived", "first_synced_at", "last_seen_at"]
    readonly_fields = ["source", "external_id", "name", "suggestion", "archived", "first_synced_at", "last_seen_at"]
    actions = ["apply_suggestions"]

    @admin.display(description=_("suggested client"))
    def suggestion(self, project: ExternalProject) -> str:
        if project.client_id or project.suggested_client is None:
            return "—"
        return project.suggested_client.name

    @admin.action(description=_("Map selected unmapped projects to their suggested client"))
    def apply_suggestions(self, request: HttpRequest, queryset: QuerySet[ExternalProject]) -> None:
        mapped = 0
        for project in queryset.filter(client__isnull=True, suggested_client__isnull=False).select_related(
            "source", "suggested_client"
        ):
            external_project_set_client(project=project, client=project.suggested_client)
            mapped += 1
        self.message_user(request, ngettext("%d project mapped.", "%d projects mapped.", mapped) % mapped)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # projects come from the sources

    def save_model(self, request: HttpRequest, obj: ExternalProject, form, change: bool) -> None:
        # Through the service, so the project's tasks move to the new client with it.
        external_project_set_client(project=obj, client=obj.client)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "source",
        "queued_at",
        "mode",
        "status",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "deleted",
    ]
    list_filter = ["status", "mode", "source"]
    list_select_related = ["source"]
    date_hierarchy = "queued_at"


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "source",
        "client",
        "assignee",
        "assignee_email",
        "due_on",
        "original_due_on",
        "completed_at",
        "deleted_at",
    ]
    list_filter = ["source", ("completed_at", admin.EmptyFieldListFilter), ("deleted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["source", "client", "assignee"]
    search_fields = ["name", "external_id", "assignee_email", "client__name"]
    show_full_result_count = False  # a count over two million tasks is not worth its time


@admin.register(DueDateChange)
class DueDateChangeAdmin(ReadOnlyAdmin):
    """The history of each deadline, as the sync saw it move: read-only, like all history."""

    list_display = ["task", "old_due_on", "new_due_on", "seen_at"]
    list_select_related = ["task"]
    search_fields = ["task__name", "task__external_id"]
    date_hierarchy = "seen_at"
    show_full_result_count = False


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "user", "client", "hours", "source", "description"]
    list_filter = ["source"]
    list_select_related = ["user", "client", "source"]
    search_fields = ["description", "external_id", "client__name"]
    date_hierarchy = "started_at"
