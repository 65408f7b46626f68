from django.contrib import admin

from godview.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "model", "object_repr", "client_id")
    list_filter = ("action", "model")
    list_select_related = ("user",)
    search_fields = ("object_repr", "user__username", "object_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "action", "model", "object_id", "object_repr", "client_id", "changes")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
