"""The admin's CSV import of revenue events and contracts: upload → preview of every row →
confirm → import the good rows, report the bad ones (clients.imports does the work)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_record_revenue
from clients.imports import MAX_IMPORT_BYTES, decode_upload

TEMPLATE = "clients/admin_import.html"


class ImportForm(forms.Form):
    """Step 1 uploads a file; step 2 (confirm) posts back the previewed text, re-validated on import."""

    file = forms.FileField(label=_("CSV file"), required=False)
    content = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES, strip=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("content"):
            raise forms.ValidationError(_("Choose a CSV file to import."))
        return data


class CsvImportMixin(admin.ModelAdmin):
    """Adds `import/` to a changelist. Subclasses set the preview and import functions and the help."""

    import_title = ""
    import_columns = ""
    import_preview: Callable
    import_apply: Callable
    change_list_template = "clients/admin_import_change_list.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_import"
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.is_staff and can_record_revenue(request.user)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": self.import_title,
            "columns_help": self.import_columns,
        }
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["content"] or decode_upload(form.cleaned_data["file"].read())
            except ValueError as error:
                form.add_error("file", str(error))
                return TemplateResponse(request, TEMPLATE, context)
            if "confirm" in request.POST:
                return self._apply(request, text, context)
            context.update(report=type(self).import_preview(text=text), content=text)
        return TemplateResponse(request, TEMPLATE, context)

    def _apply(self, request: HttpRequest, text: str, context: dict) -> HttpResponse:
        report = type(self).import_apply(text=text, by=request.user)
        if report.file_errors:
            context.update(report=report, content=text)
            return TemplateResponse(request, TEMPLATE, context)
        counts = report.counts
        messages.success(
            request,
            _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s rows skipped.")
            % {"created": counts["create"], "updated": counts["update"], "unchanged": counts["unchanged"],
               "errors": counts["error"]},
        )  # fmt: skip
        if report.bad_rows:
            context.update(report=report, content=text, imported=True)
            return TemplateResponse(request, TEMPLATE, context)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
