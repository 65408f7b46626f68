"""Forms for actions: done (an outcome), snooze (a reason and a wake date), drop (a reason), and
the action queue's filters."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Pod, Role, User
from clients.action_selectors import QueueFilters
from clients.action_services import snooze_problem
from clients.forms import WorkspaceForm, date_input, real_reason
from clients.models import Action, WarningRule
from core.weeks import today


class _ActionForm(WorkspaceForm):
    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, id_prefix=f"-{action.pk}", **kwargs)


class ActionDoneForm(_ActionForm):
    slug = "action-done"
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_outcome(self) -> str:
        return real_reason(self.cleaned_data["outcome"], _("Say what came of it."))


class ActionSnoozeForm(_ActionForm):
    slug = "action-snooze"
    reason = forms.CharField(label=_("Why snooze?"), max_length=500)
    wake_on = forms.DateField(label=_("Wake on"), widget=date_input(), initial=lambda: today() + dt.timedelta(days=7))

    def clean_reason(self) -> str:
        return real_reason(self.cleaned_data["reason"], _("Say why the action is snoozed."))

    def clean_wake_on(self) -> dt.date:
        day = self.cleaned_data["wake_on"]
        if problem := snooze_problem(day):
            raise forms.ValidationError(problem)
        return day


class ActionDropForm(_ActionForm):
    slug = "action-drop"
    reason = forms.CharField(label=_("Why drop?"), max_length=500)

    def clean_reason(self) -> str:
        return real_reason(self.cleaned_data["reason"], _("Say why the action is dropped."))


STATUS_CHOICES = [("", _("Every status")), *Action.Status.choices]


class QueueFilterForm(forms.Form):
    """The queue's filters, all in the URL; a pod or AM outside the user's scope is not a choice."""

    pod = forms.ModelChoiceField(label=_("Pod"), queryset=Pod.objects.none(), required=False)
    am = forms.ModelChoiceField(label=_("Account manager"), queryset=User.objects.none(), required=False)
    rule = forms.ChoiceField(
        label=_("Rule"), choices=[("", _("Every rule")), *WarningRule.Code.choices], required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data, *, user: User, **kwargs):
        data = data.copy()
        data.setdefault("status", Action.Status.OPEN)
        super().__init__(data, auto_id="queue-%s", label_suffix="", **kwargs)
        pods = Pod.objects.all() if user.sees_everything else Pod.objects.filter(pk=user.pod_id)
        people = User.objects.filter(role__in=[Role.ACCOUNT_MANAGER, Role.POD_LEAD], is_active=True)
        if not user.sees_everything:
            people = people.filter(pod_id=user.pod_id)
        self.fields["pod"].queryset = pods.order_by("name")
        self.fields["am"].queryset = people.order_by("first_name", "last_name", "username")
        self.fields["pod"].empty_label = _("Every pod")
        self.fields["am"].empty_label = _("Every account manager")

    def filters(self) -> QueueFilters:
        data = self.cleaned_data
        return QueueFilters(
            pod=data["pod"].pk if data.get("pod") else None,
            am=data["am"].pk if data.get("am") else None,
            rule=data.get("rule") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
        )
