"""Query-string filters of the training screens and the admin's CSV upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from training.models import TrainingModule
from training.selectors import TrainingFilters, visible_people, visible_pods
from training.services import MAX_IMPORT_BYTES


class TrainingFilterForm(forms.Form):
    """`/training/` and its export: pod and role, plus the matrix page."""

    pod = forms.ModelChoiceField(label=_("Pod"), queryset=None, required=False, empty_label=_("All pods"))
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        # Only pods the viewer may see: anything else is "not a valid choice", never a peek outside.
        self.fields["pod"].queryset = visible_pods(user)

    def filters(self) -> TrainingFilters:
        return TrainingFilters(pod=self.cleaned_data["pod"], role=self.cleaned_data["role"])


class ResultFilterForm(TrainingFilterForm):
    """`/training/results/`: the matrix's filters, a person, a module and which cells."""

    am = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False, empty_label=_("Everyone"))
    module = forms.ModelChoiceField(label=_("Module"), queryset=None, required=False, empty_label=_("All modules"))
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Every required module")),
            ("passed", _("Passed")),
            ("gap", _("Not passed")),
            ("scored", _("With a test score")),
            ("failed", _("Failed")),
            ("missing", _("Never taken")),
            ("outdated", _("Outdated version")),
        ],
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data, user=user)
        self.fields["am"].queryset = visible_people(user)
        self.fields["module"].queryset = TrainingModule.objects.filter(active=True).order_by("title")

    def filters(self) -> TrainingFilters:
        return TrainingFilters(
            pod=self.cleaned_data["pod"], role=self.cleaned_data["role"], person=self.cleaned_data["am"]
        )


class PanelFilterForm(forms.Form):
    """The God-view's filters the training panel understands; the others (period, tier) do not apply."""

    pod = forms.ModelChoiceField(queryset=None, required=False)
    am = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.fields["pod"].queryset = visible_pods(user)
        self.fields["am"].queryset = visible_people(user)

    def filters(self) -> TrainingFilters:
        return TrainingFilters(pod=self.cleaned_data["pod"], person=self.cleaned_data["am"])


class ResultImportForm(forms.Form):
    """Step 1 uploads a file; step 2 (confirm) posts back the previewed text, re-validated on import."""

    file = forms.FileField(label=_("CSV file"), required=False)
    content = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("content"):
            raise forms.ValidationError(_("Choose a CSV file to import."))
        return data
