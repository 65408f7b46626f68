"""The admin bases (every ModelAdmin of the site derives from `BaseAdmin`), the read-only base
for history and synced rows, and the audit trail's admin."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest

from core.models import AuditEntry


class BoundedChangeList(ChangeList):
    """Django's date hierarchy computes the end of year 9999 (or of its last month or day) and
    fails with a 500; here such a drill-down is an invalid lookup like any other (admin's ?e=1)."""

    def get_filters(self, request: HttpRequest):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class BaseAdmin(admin.ModelAdmin):
    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return BoundedChangeList


class ReadOnlyAdmin(BaseAdmin):
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
