"""Filters of the God-view screens (period, pod, tier, AM), parsed into a `Filters` value."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Pod, Role, User
from accounts.permissions import people_scope
from clients.models import Tier
from core.weeks import today, week_start

PERIODS = {"4w": 4, "12w": 12, "26w": 26}
PERIOD_CHOICES = [("4w", _("Last 4 weeks")), ("12w", _("Last 12 weeks")), ("26w", _("Last 26 weeks"))]
DEFAULT_PERIOD = "4w"
# Beyond this many people the AM list waits for a pod: a thousand options are no choice to read.
AM_LIST_LIMIT = 150


@dataclass(frozen=True)
class Filters:
    """A period of complete weeks ending before the current one, and the scope narrowing it."""

    period: str = DEFAULT_PERIOD
    pod: int | None = None
    tier: str | None = None
    am: int | None = None
    on: dt.date | None = None

    @property
    def today(self) -> dt.date:
        return self.on or today()

    @property
    def weeks(self) -> int:
        return PERIODS[self.period]

    @property
    def end(self) -> dt.date:
        """Exclusive end: the Monday of the current week."""
        return week_start(self.today)

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(weeks=self.weeks)

    @property
    def period_label(self) -> str:
        return str(dict(PERIOD_CHOICES)[self.period])

    @property
    def previous_start(self) -> dt.date:
        return self.start - dt.timedelta(weeks=self.weeks)

    def params(self, **overrides) -> dict:
        values = {"period": self.period, "pod": self.pod, "tier": self.tier, "am": self.am} | overrides
        return {k: v for k, v in values.items() if v not in (None, "") and not (k == "period" and v == DEFAULT_PERIOD)}

    def querystring(self, **overrides) -> str:
        params = self.params(**overrides)
        return "?" + urlencode(params) if params else ""


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    pod = forms.ModelChoiceField(label=_("Pod"), queryset=Pod.objects.none(), required=False, empty_label=_("All pods"))
    tier = forms.ModelChoiceField(
        label=_("Tier"), queryset=Tier.objects.all(), to_field_name="code", required=False, empty_label=_("All tiers")
    )
    am = forms.ModelChoiceField(
        label=_("Account manager"), queryset=User.objects.none(), required=False, empty_label=_("Everyone")
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(people_scope(user), role__in=[Role.ACCOUNT_MANAGER, Role.POD_LEAD])
        self.fields["am"].queryset = people.only("id", "first_name", "last_name", "username")
        if user.sees_everything:
            self.fields["pod"].queryset = Pod.objects.all()
        elif user.is_pod_lead and user.pod_id:
            self.fields["pod"].queryset = Pod.objects.filter(pk=user.pod_id)
        else:
            # An AM or designer has one scope already: pod and person filters would only confuse.
            del self.fields["pod"]
            del self.fields["am"]

    def clean(self) -> dict:
        data = super().clean()
        pod, am = data.get("pod"), data.get("am")
        if pod is not None and "am" in self.fields:
            # The AM list shows the chosen pod's people only; an AM of another pod is dropped
            # (Everyone), not refused: changing the pod must not answer a 400.
            self.fields["am"].queryset = self.fields["am"].queryset.filter(pod=pod)
            if am is not None and am.pod_id != pod.pk:
                data["am"] = None
                self.data = self.data.copy()
                self.data["am"] = ""
        if "am" in self.fields:
            chosen = data.get("am")
            self.fields["am"].choices = lambda: self._am_list(chosen)  # read when the bar is drawn
        return data

    def _am_list(self, chosen: User | None) -> list[tuple]:
        """The AM list as shown (the one query drawing it makes anyway): past AM_LIST_LIMIT people
        it offers Everyone and the chosen person only, and asks for a pod; any person in scope
        still filters (a link, a saved view)."""
        field = self.fields["am"]
        people = list(field.queryset[: AM_LIST_LIMIT + 1])
        if len(people) > AM_LIST_LIMIT:
            field_label = _("Everyone (choose a pod to list its people)")
            return [("", field_label)] + ([(chosen.pk, field.label_from_instance(chosen))] if chosen else [])
        return [("", field.empty_label), *((p.pk, field.label_from_instance(p)) for p in people)]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            period=data.get("period") or DEFAULT_PERIOD,
            pod=data["pod"].pk if data.get("pod") else None,
            tier=data["tier"].code if data.get("tier") else None,
            am=data["am"].pk if data.get("am") else None,
        )


def parse_filters(request_get, user: User) -> tuple[FilterForm, Filters | None]:
    form = FilterForm(request_get, user=user)
    return form, form.filters() if form.is_valid() else None
