"""The premium service format's screens (issue 20): the client page's region (its tier's cadence,
the latest qualifying call and this month's deliverables, ticked here) and the list of every
client on a tier with a cadence, with its CSV. Out of scope is 404; ticks follow `can_act_on`."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_act_on
from clients import service_format
from clients.models import Client, TierDeliverable
from clients.views import visible_client
from core import params
from core.csv_export import csv_response
from core.htmx import wants_partial
from core.weeks import today

PAGE = "clients/service.html"
PAGE_SIZE = 50


def _region(request: HttpRequest, client: Client, error: str = "", status: int = 200) -> HttpResponse:
    on = today()
    month = service_format.month_of(on)
    deliverables = service_format.deliverables_for(client, month)
    context = {
        "client": client,
        "cadence": service_format.cadence_for([client], on).get(client.pk),
        "deliverables": deliverables,
        "done": sum(1 for row in deliverables if row.check),
        "month": month,
        "can_write": can_act_on(request.user, client),
        "error": error,
    }
    return render(request, f"{PAGE}#client-service", context, status=status)


@require_GET
def client_service(request: HttpRequest, pk: int) -> HttpResponse:
    return _region(request, visible_client(request.user, pk))


@require_POST
def deliverable_toggle(request: HttpRequest, pk: int, deliverable: int) -> HttpResponse:
    client = visible_client(request.user, pk)
    if not can_act_on(request.user, client):
        raise Http404(_("You cannot change this client's work."))
    item = get_object_or_404(TierDeliverable, pk=deliverable, tier_id=client.tier_id, active=True)
    done = params.choice(request.POST, "done", ("0", "1"), default="1") == "1"
    service_format.deliverable_set(client=client, deliverable=item, done=done, by=request.user)
    return _region(request, client)


def _service_clients(request: HttpRequest):
    """Active clients in scope on a tier with a cadence or deliverables; ?status=off keeps those off it."""
    status = params.choice(request.GET, "status", ("off",), default="")
    clients = (
        Client.objects.visible_to(request.user)
        .active()
        .filter(Q(tier__cadence_days__isnull=False) | Q(tier__deliverables__active=True))
        .distinct()
        .select_related("tier", "account_manager")
        .order_by("name")
    )
    return status, clients


def _rows(clients: list[Client]) -> list[tuple]:
    on = today()
    cadence = service_format.cadence_for(clients, on)
    done = service_format.deliverables_done(clients, service_format.month_of(on))
    return [(c, cadence.get(c.pk), *done[c.pk]) for c in clients]


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    status, clients = _service_clients(request)
    rows = _rows(list(clients))
    if status == "off":
        rows = [row for row in rows if row[1] and row[1].off]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": page.object_list,
        "status": status,
        "off_count": sum(1 for row in rows if row[1] and row[1].off),
        "query": "status=off" if status else "",
        "month": service_format.month_of(today()),
    }
    template = f"{PAGE}#service-table" if wants_partial(request) else PAGE
    return render(request, template, context)


@require_GET
def service_export(request: HttpRequest) -> HttpResponse:
    status, clients = _service_clients(request)
    rows = _rows(list(clients))
    if status == "off":
        rows = [row for row in rows if row[1] and row[1].off]
    header = [
        _("client"),
        _("account manager"),
        _("tier"),
        _("cadence (days)"),
        _("senior person required"),
        _("last qualifying contact"),
        _("days since"),
        _("next due"),
        _("off cadence"),
        _("deliverables done this month"),
        _("deliverables"),
    ]
    lines = (
        [
            c.name,
            str(c.account_manager or ""),
            c.tier.name,
            cad.every_days if cad else "",
            (_("yes") if cad.needs_senior else _("no")) if cad else "",
            (cad.last_on or "") if cad else "",
            cad.days_since if cad else "",
            cad.next_due if cad else "",
            (_("yes") if cad.off else _("no")) if cad else "",
            done,
            total,
        ]
        for c, cad, done, total in rows
    )
    return csv_response("service-format.csv", header, lines)
