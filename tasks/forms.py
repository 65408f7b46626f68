"""The quick form for logging hours on a client (AMs, pod leads and the pod's designer)."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import WorkspaceForm, date_input
from core.weeks import today


class HoursForm(WorkspaceForm):
    slug = "hours"
    day = forms.DateField(label=_("Day"), widget=date_input(), initial=today)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24")
    )
    description = forms.CharField(label=_("What was done"), max_length=500, required=False)

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day > today():
            raise forms.ValidationError(_("Hours cannot be logged for a day in the future."))
        if day < today() - dt.timedelta(days=90):
            raise forms.ValidationError(_("Log hours of the last 90 days; older ones come from the project tool."))
        return day
