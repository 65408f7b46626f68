"""`/targets/`: leadership (or an admin) sets a target per KPI and picks the north star."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from godview import targets
from godview.models import KPI_CHOICES


class TargetsForm(forms.Form):
    north_star = forms.ChoiceField(
        label=gettext_lazy("North star"), choices=[("", gettext_lazy("None")), *KPI_CHOICES], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in KPI_CHOICES:
            self.fields[f"target_{key}"] = forms.DecimalField(
                label=label, required=False, max_digits=14, decimal_places=2, min_value=0
            )

    def targets(self) -> dict:
        return {key: self.cleaned_data.get(f"target_{key}") for key, _label in KPI_CHOICES}


def _initial() -> dict:
    lines = targets.target_lines()
    initial = {f"target_{line.key}": line.target for line in lines}
    initial["north_star"] = next((line.key for line in lines if line.north_star), "")
    return initial


@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest) -> HttpResponse:
    if not targets.can_set_targets(request.user):
        raise Http404
    form = TargetsForm(request.POST or None, initial=_initial())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                targets.targets_save(
                    targets=form.targets(), north_star=form.cleaned_data["north_star"], by=request.user
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(f"target_{field}" if f"target_{field}" in form.fields else None, problems)
            else:
                messages.success(request, _("Targets saved."))
                return redirect("target_edit")
        status = 422
    now = {kpi.key: kpi for kpi in targets.current_kpis(request.user)}
    rows = [(line, form[f"target_{line.key}"], now.get(line.key)) for line in targets.target_lines()]
    return render(request, "godview/targets.html", {"form": form, "rows": rows}, status=status)
