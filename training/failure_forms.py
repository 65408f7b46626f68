"""The form leadership and pod leads record an execution failure with."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.forms import WorkspaceForm, date_input, real_reason
from clients.models import Client
from core.weeks import today
from training.failures import MAX_DUE_DAYS, recordable_people
from training.models import TrainingModule

DEFAULT_DUE_DAYS = 14


def _in_two_weeks() -> dt.date:
    return today() + dt.timedelta(days=DEFAULT_DUE_DAYS)


class FailureForm(WorkspaceForm):
    slug = "failure"
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        error_messages={"invalid_choice": _("Pick one of the people you may record a failure for.")},
    )
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.none(),
        error_messages={"invalid_choice": _("Pick one of your clients.")},
    )
    what_went_wrong = forms.CharField(
        label=_("What went wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    module = forms.ModelChoiceField(
        label=_("Training module that covers it"),
        queryset=TrainingModule.objects.filter(active=True),
        error_messages={"invalid_choice": _("Pick one of the active training modules.")},
    )
    occurred_on = forms.DateField(label=_("When"), widget=date_input(), initial=today)
    due_on = forms.DateField(
        label=_("Module due"),
        widget=date_input(),
        initial=_in_two_weeks,
        help_text=_("The person takes the module by this date (at most 90 days out)."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = recordable_people(user).order_by("first_name", "username")
        self.fields["client"].queryset = Client.objects.visible_to(user).active().order_by("name")

    def clean_what_went_wrong(self) -> str:
        return real_reason(self.cleaned_data["what_went_wrong"], _("Say what went wrong."))

    def clean_occurred_on(self) -> dt.date:
        day = self.cleaned_data["occurred_on"]
        if day > today():
            raise forms.ValidationError(_("A failure cannot be dated in the future."))
        if day < today() - dt.timedelta(days=366):
            raise forms.ValidationError(_("The failure is more than a year ago."))
        return day

    def clean_due_on(self) -> dt.date:
        day = self.cleaned_data["due_on"]
        if not today() <= day <= today() + dt.timedelta(days=MAX_DUE_DAYS):
            raise forms.ValidationError(_("The due date is between today and 90 days from now."))
        return day
