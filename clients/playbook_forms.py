"""Forms of the agency's playbook (issue 20): starting an onboarding from a template."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import WorkspaceForm, real_reason
from clients.models import OnboardingTemplate


class OnboardingForm(WorkspaceForm):
    slug = "onboarding"
    template = forms.ModelChoiceField(
        label=_("Onboarding template"),
        queryset=OnboardingTemplate.objects.filter(active=True),
        empty_label=None,
        error_messages={"invalid_choice": _("Pick one of the onboarding templates.")},
    )
    sold_by = forms.CharField(label=_("Sold by"), max_length=200, help_text=_("Who in sales closed the deal."))
    promised = forms.CharField(
        label=_("What was promised"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The commitments sales made to the client, in their words."),
    )

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        suggested = next((t for t in self.fields["template"].queryset if client and t.tier_id == client.tier_id), None)
        if suggested is not None:
            self.fields["template"].initial = suggested.pk

    def clean_sold_by(self) -> str:
        return real_reason(self.cleaned_data["sold_by"], _("Say who sold the client."))

    def clean_promised(self) -> str:
        return real_reason(self.cleaned_data["promised"], _("Say what was promised to the client."))
