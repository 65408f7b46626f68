"""A client's contract, renewals, upsells and revenue events: the panel on the client page, and
the same panel as a page for finance (which has no client workspace).

Writes follow the workspace's flow (clients.views.submit_form): scope (404) → form (422) →
one-time token (409) → service (atomic, audited) → fresh form + an `HX-Trigger` event that makes
the panel's records region reload itself.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.permissions import can_record_opportunity, can_record_revenue
from clients import revenue_services
from clients.models import Client, Contract, Opportunity, RiskAssessment
from clients.revenue_forms import ContractForm, OpportunityForm, OpportunityStageForm, RenewalForm
from clients.views import submit_form
from core.htmx import wants_partial

PAGE = "clients/contract.html"
QUICK_FORM = "clients/workspace.html#quick-form"
EVENT = "revenueChanged"
RECENT_EVENTS = 12


def _client(user: User, pk: int) -> Client:
    clients = Client.objects.for_revenue(user).select_related("tier", "account_manager__pod")
    return get_object_or_404(clients, pk=pk)


def _records(client: Client, user: User) -> dict:
    """What the panel lists (four queries): contracts, opportunities, recent revenue events, risk."""
    contracts = list(client.contracts.select_related("revenue_event").order_by("-renews_on", "-pk"))
    opportunities = list(client.opportunities.select_related("owner").order_by("stage", "-identified_on", "-pk"))
    events = list(client.revenue_events.order_by("-occurred_on", "-pk")[:RECENT_EVENTS])
    risk = RiskAssessment.objects.filter(client=client).order_by("-assessed_at", "-pk").values_list("score", flat=True)
    records = {
        "contracts": contracts,
        "open_contract": next((c for c in contracts if not c.outcome), None),
        "opportunities": opportunities,
        "pipeline": sum((o.expected_mrr for o in opportunities if o.is_open), client.mrr * 0),
        "events": events,
        "current_risk": risk.first(),
        "can_revenue": can_record_revenue(user),
        "can_opportunity": can_record_opportunity(user, client),
        "sees_client_page": Client.objects.visible_to(user).filter(pk=client.pk).exists(),
    }
    if records["can_revenue"] and records["open_contract"]:
        records["renewal_form"] = RenewalForm(id_prefix=f"-{records['open_contract'].pk}")
        records["renewal_action"] = reverse("renewal_record", args=[records["open_contract"].pk])
    if records["can_opportunity"]:
        records["stage_forms"] = {o.pk: OpportunityStageForm(id_prefix=f"-{o.pk}") for o in opportunities if o.is_open}
    return records


@require_GET
def client_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel (a partial of the client page) or the page of the same name (finance's)."""
    client = _client(request.user, pk)
    context = {"client": client, **_records(client, request.user)}
    records_only = request.GET.get("part") == "records"
    if context["can_revenue"] and not records_only:
        context["contract_form"] = _form_context("contract", client, ContractForm(client=client), request.user)
    if context["can_opportunity"] and not records_only:
        context["opportunity_form"] = _form_context("opportunity", client, OpportunityForm(client=client), request.user)
    if wants_partial(request):
        return render(request, f"{PAGE}#{'contract-records' if records_only else 'contract-panel'}", context)
    return render(request, PAGE, context)


# --- forms ----------------------------------------------------------------------------------

HEADINGS = {
    "contract": (gettext_lazy("New contract term"), gettext_lazy("Save contract"), gettext_lazy("Contract saved.")),
    "opportunity": (
        gettext_lazy("New upsell opportunity"),
        gettext_lazy("Add opportunity"),
        gettext_lazy("Opportunity added."),
    ),
    "renewal": (gettext_lazy("Renewal outcome"), gettext_lazy("Record outcome"), gettext_lazy("Outcome recorded.")),
    "opportunity-stage": (gettext_lazy("Move the opportunity"), gettext_lazy("Move"), gettext_lazy("Stage changed.")),
}


def _form_context(kind: str, client: Client, form, user: User, saved: str = "", action: str = "") -> dict:
    heading, submit, _saved = HEADINGS[kind]
    urls = {"contract": "contract_create", "opportunity": "opportunity_create"}
    return {
        "client": client,
        "form": form,
        "kind": kind,
        "heading": heading,
        "submit_label": submit,
        "action": action or reverse(urls[kind], args=[client.pk]),
        "saved": saved,
    }


def _form_flow(request: HttpRequest, kind: str, client: Client, make: Callable, save: Callable, action: str = ""):
    if request.method == "GET":
        return render(request, QUICK_FORM, _form_context(kind, client, make(None), request.user, action=action))
    form = make(request.POST)
    status = submit_form(request, form, save)
    if status != 200:
        context = _form_context(kind, client, form, request.user, action=action)
        return render(request, QUICK_FORM, context, status=status)
    if not wants_partial(request):
        return redirect("client_contract", pk=client.pk)
    context = _form_context(kind, client, make(None), request.user, saved=HEADINGS[kind][2], action=action)
    response = render(request, QUICK_FORM, context)
    response["HX-Trigger"] = EVENT
    return response


GET_POST = require_http_methods(["GET", "POST"])


@GET_POST
def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request.user, pk)
    if not can_record_revenue(request.user):
        raise Http404(_("You cannot record contracts."))

    def save(data: dict) -> Contract:
        fields = {k: v for k, v in data.items() if k != "form_token"}
        return revenue_services.contract_create(client=client, by=request.user, **fields)

    return _form_flow(request, "contract", client, lambda data: ContractForm(data, client=client), save)


@GET_POST
def renewal_record(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.for_revenue(request.user).select_related("client"), pk=pk)
    if not can_record_revenue(request.user):
        raise Http404(_("You cannot record renewals."))

    def save(data: dict) -> Contract:
        fields = {k: v for k, v in data.items() if k != "form_token"}
        return revenue_services.renewal_record(contract=contract, by=request.user, **fields)

    action = reverse("renewal_record", args=[contract.pk])
    make = lambda data: RenewalForm(data, id_prefix=f"-{contract.pk}")  # noqa: E731
    return _form_flow(request, "renewal", contract.client, make, save, action)


@GET_POST
def opportunity_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request.user, pk)
    if not can_record_opportunity(request.user, client):
        raise Http404(_("You cannot record opportunities for this client."))

    def save(data: dict) -> Opportunity:
        fields = {k: v for k, v in data.items() if k != "form_token"}
        return revenue_services.opportunity_create(client=client, by=request.user, **fields)

    return _form_flow(request, "opportunity", client, lambda data: OpportunityForm(data, client=client), save)


@GET_POST
def opportunity_stage(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(
        Opportunity.objects.for_revenue(request.user).select_related("client__account_manager"), pk=pk
    )
    if not can_record_opportunity(request.user, opportunity.client):
        raise Http404(_("You cannot change this opportunity."))

    def save(data: dict) -> Opportunity:
        return revenue_services.opportunity_move(
            opportunity=opportunity, stage=data["stage"], on=data["on"], won_mrr=data.get("won_mrr"), by=request.user
        )

    action = reverse("opportunity_stage", args=[opportunity.pk])
    make = lambda data: OpportunityStageForm(data, id_prefix=f"-{opportunity.pk}")  # noqa: E731
    return _form_flow(request, "opportunity-stage", opportunity.client, make, save, action)
