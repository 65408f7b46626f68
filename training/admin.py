"""Admin for training modules and results, with the bulk CSV import of results (preview, then import)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from core.admin import BaseAdmin, ReadOnlyAdmin
from training.forms import ResultImportForm
from training.models import ExecutionFailure, TrainingAssignment, TrainingModule, TrainingResult
from training.services import decode_upload, training_results_import, training_results_preview


class TrainingModuleForm(forms.ModelForm):
    required_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Required for roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Everyone with one of these roles must pass this module."),
    )

    class Meta:
        model = TrainingModule
        fields = [
            "title",
            "category",
            "required_roles",
            "passing_score",
            "version",
            "procedure",
            "procedure_url",
            "active",
        ]


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin):
    form = TrainingModuleForm
    list_display = ["title", "category", "version", "passing_score", "roles", "active"]
    list_filter = ["active", "category"]
    search_fields = ["title", "category"]
    fieldsets = [
        (None, {"fields": ["title", "category", "required_roles", "passing_score", "version", "active"]}),
        (
            gettext_lazy("Procedure"),
            {
                "fields": ["procedure", "procedure_url"],
                "description": gettext_lazy(
                    "Write the procedure in Markdown, or link to it. Raising the version asks everyone to retake."
                ),
            },
        ),
    ]

    @admin.display(description=gettext_lazy("required for"))
    def roles(self, module: TrainingModule) -> str:
        return ", ".join(module.required_role_labels()) or "—"


@admin.register(TrainingResult)
class TrainingResultAdmin(BaseAdmin):
    list_display = ["user", "module", "version", "completed_on", "score", "passed"]
    list_filter = ["passed", "module", "user__pod"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "module__title"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "module"]
    date_hierarchy = "completed_on"
    change_list_template = "training/admin_result_change_list.html"

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view), name="training_trainingresult_import"),
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1: upload → preview of every row. Step 2: confirm → import the good rows, report the bad."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ResultImportForm(request.POST or None, request.FILES or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        context["title"] = _("Import training results")
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["content"] or decode_upload(form.cleaned_data["file"].read())
            except ValueError as error:
                form.add_error("file", str(error))
                return TemplateResponse(request, "training/admin_import.html", context)
            if "confirm" in request.POST:
                return self._import(request, text, context)
            context.update(report=training_results_preview(text=text), content=text)
        return TemplateResponse(request, "training/admin_import.html", context)

    def _import(self, request: HttpRequest, text: str, context: dict) -> HttpResponse:
        report = training_results_import(text=text)
        if report.file_errors:
            context.update(report=report, content=text)
            return TemplateResponse(request, "training/admin_import.html", context)
        counts = report.counts
        messages.success(
            request,
            _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s rows skipped.")
            % {
                "created": counts["create"],
                "updated": counts["update"],
                "unchanged": counts["unchanged"],
                "errors": counts["error"],
            },
        )
        if report.bad_rows:
            # The report stays on screen so the bad rows can be fixed in the file and re-imported.
            context.update(report=report, content=text, imported=True)
            return TemplateResponse(request, "training/admin_import.html", context)
        return HttpResponseRedirect(reverse("admin:training_trainingresult_changelist"))


@admin.register(ExecutionFailure)
class ExecutionFailureAdmin(ReadOnlyAdmin):
    """History: recorded on /training/failures/ by leadership and pod leads, never edited here."""

    list_display = ("occurred_on", "person", "client", "module", "recorded_by")
    list_filter = ("module",)
    list_select_related = ("person", "client", "module", "recorded_by")
    search_fields = ("person__username", "client__name", "what_went_wrong")


@admin.register(TrainingAssignment)
class TrainingAssignmentAdmin(BaseAdmin):
    list_display = ("user", "module", "assigned_on", "due_on", "assigned_by")
    list_select_related = ("user", "module", "assigned_by")
    readonly_fields = ("failure", "assigned_by", "assigned_on")
