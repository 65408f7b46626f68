"""The read-only admin base for history and synced rows, and the audit trail's admin."""

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and synced rows: looked at in admin, never added, edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "model", "object_repr", "client_id")
    list_filter = ("action", "model")
    list_select_related = ("user",)
    search_fields = ("object_repr", "user__username", "object_id")
    date_hierarchy = "at"
