"""Users and pods in admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Pod, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "pod", "weekly_capacity", "is_active", "is_staff")
    list_filter = ("role", "pod", "is_active", "is_staff")
    list_select_related = ("pod",)
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("pod",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("God-view"), {"fields": ("role", "pod", "title", "cost_rate", "weekly_capacity", "hired_on", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("God-view"), {"fields": ("email", "first_name", "last_name", "role", "pod", "language")}),
    )


class MemberInline(admin.TabularInline):
    model = User
    fields = ("username", "first_name", "last_name", "role")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members (change a person's pod on their user page)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pod)
class PodAdmin(admin.ModelAdmin):
    list_display = ("name", "lead", "specialised", "chat_channel", "webhook_last_failure_at")
    readonly_fields = (
        "webhook_posted_through",
        "webhook_last_success_at",
        "webhook_last_failure_at",
        "webhook_last_failure",
    )
    fieldsets = (
        (None, {"fields": ("name", "lead", "specialised")}),
        (
            _("Chat channel"),
            {
                "fields": ("webhook_kind", "webhook_url", *readonly_fields),
                "description": _("The webhook URL is a credential: lists and logs show it masked."),
            },
        ),
    )
    list_select_related = ("lead",)
    search_fields = ("name",)
    autocomplete_fields = ("lead",)
    inlines = [MemberInline]

    @admin.display(description=_("chat channel"))
    def chat_channel(self, pod: Pod) -> str:
        """Masked: the list is seen by every admin, the URL lets anyone post to the channel."""
        return f"{pod.get_webhook_kind_display()} {pod.webhook_url_masked}".strip() or "—"
