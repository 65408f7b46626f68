"""Forms for contracts, renewal outcomes and upsell opportunities (each with its one-time token)."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from clients.forms import WorkspaceForm, date_input, money
from clients.models import ChurnReason, Client, Contract, Opportunity
from core.weeks import today

MAX_TERM_YEARS = 5


def _one_year_on() -> dt.date:
    day = today()
    return day.replace(year=day.year + 1) if not (day.month == 2 and day.day == 29) else day + dt.timedelta(days=365)


class ContractForm(WorkspaceForm):
    slug = "contract"
    starts_on = forms.DateField(label=_("Start"), widget=date_input(), initial=today)
    renews_on = forms.DateField(label=_("Renewal date"), widget=date_input(), initial=_one_year_on)
    committed_mrr = money(label=_("Committed MRR"))
    notice_days = forms.IntegerField(label=_("Notice period (days)"), min_value=0, max_value=365, initial=30)
    auto_renew = forms.BooleanField(label=_("Auto-renew"), required=False)

    def __init__(self, *args, client: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if client is not None and not self.is_bound:
            self.fields["committed_mrr"].initial = client.mrr

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("renews_on")
        if start and end:
            if end <= start:
                self.add_error("renews_on", _("The renewal date must come after the start."))
            elif (end - start).days > 366 * MAX_TERM_YEARS:
                self.add_error("renews_on", _("A term longer than five years is probably a typo."))
        return data


class RenewalForm(WorkspaceForm):
    slug = "renewal"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Contract.Outcome.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=date_input(), initial=today)
    new_mrr = money(label=_("New MRR"), required=False, help_text=_("For a renegotiation: the MRR agreed."))
    churn_reason = forms.ChoiceField(label=_("Churn reason"), choices=[("", "—"), *ChurnReason.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict:
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Contract.Outcome.CHURNED and not data.get("churn_reason"):
            self.add_error("churn_reason", _("Say why the client churned."))
        renegotiated = outcome in (Contract.Outcome.UP, Contract.Outcome.DOWN)
        if renegotiated and data.get("new_mrr") is None and "new_mrr" not in self.errors:
            self.add_error("new_mrr", _("Enter the MRR agreed in the renegotiation."))
        return data


def owner_choices(client: Client) -> forms.ModelChoiceField:
    people = User.objects.filter(is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.POD_LEAD, Role.LEADERSHIP])
    return forms.ModelChoiceField(label=_("Owner"), queryset=people, initial=client.account_manager_id)


class OpportunityForm(WorkspaceForm):
    slug = "opportunity"
    title = forms.CharField(label=_("Upsell"), max_length=200)
    expected_mrr = forms.DecimalField(
        label=_("Expected MRR"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[(s.value, s.label) for s in Opportunity.OPEN_STAGES], initial="identified"
    )
    identified_on = forms.DateField(label=_("Identified on"), widget=date_input(), initial=today)
    expected_close_on = forms.DateField(label=_("Expected close"), widget=date_input(), required=False)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = owner_choices(client)


class OpportunityStageForm(WorkspaceForm):
    slug = "opportunity-stage"
    stage = forms.ChoiceField(label=_("Move to"), choices=Opportunity.Stage.choices)
    on = forms.DateField(label=_("On"), widget=date_input(), initial=today)
    won_mrr = money(label=_("Won MRR"), required=False, help_text=_("Blank: the expected MRR."))
