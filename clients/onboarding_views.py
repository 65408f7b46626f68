"""Handoff and onboarding screens (issue 20): the client page's onboarding region (start from a
template, tick the handoff checklist), the onboarding list with its CSV, and the pod page's
region. Scope as everywhere: out of scope is 404; writes follow `can_act_on`."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Pod, Role, User
from accounts.permissions import can_act_on
from clients import onboarding
from clients.models import Client, Handoff, HandoffItem, LifecycleStage
from clients.playbook_forms import OnboardingForm
from clients.views import submit_form, visible_client
from core import params
from core.csv_export import csv_response
from core.htmx import wants_partial

PAGE = "clients/onboarding.html"
PAGE_SIZE = 50


def visible_pods(user: User):
    if user.sees_everything:
        return Pod.objects.all()
    if user.role == Role.POD_LEAD and user.pod_id:
        return Pod.objects.filter(pk=user.pod_id)
    return Pod.objects.none()


def _region(request: HttpRequest, client: Client, form=None, status: int = 200, saved: str = "") -> HttpResponse:
    handoff = Handoff.objects.filter(client=client).select_related("template", "created_by").first()
    can_write = can_act_on(request.user, client)
    # The start form is offered while the client is onboarding; an older client's page stays quiet.
    starts = can_write and client.lifecycle_stage == LifecycleStage.ONBOARDING
    context = {
        "client": client,
        "handoff": handoff,
        "items": list(handoff.items.select_related("done_by")) if handoff else [],
        "progress": onboarding.onboarding_progress([client])[client.pk] if handoff else None,
        "can_write": can_write,
        "form": form if form is not None else (OnboardingForm(client=client) if starts and not handoff else None),
        "action": reverse("client_onboarding", kwargs={"pk": client.pk}),
        "saved": saved,
    }
    return render(request, f"{PAGE}#client-onboarding", context, status=status)


@require_http_methods(["GET", "POST"])
def client_onboarding(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the client's onboarding region; POST: start the onboarding from a template."""
    client = visible_client(request.user, pk)
    if request.method == "GET":
        return _region(request, client)
    if not can_act_on(request.user, client):
        raise Http404(_("You cannot change this client's work."))
    form = OnboardingForm(request.POST, client=client)
    status = submit_form(
        request,
        form,
        lambda d: onboarding.onboarding_apply(
            client=client, template=d["template"], sold_by=d["sold_by"], promised=d["promised"], by=request.user
        ),
    )
    if status != 200:
        return _region(request, client, form=form, status=status)
    response = _region(request, client, saved=_("Onboarding started from the template."))
    response["HX-Trigger"] = "kickoffChanged"
    return response


@require_POST
def handoff_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(HandoffItem.objects.visible_to(request.user).select_related("handoff__client"), pk=pk)
    client = visible_client(request.user, item.handoff.client_id)
    if not can_act_on(request.user, client):
        raise Http404(_("You cannot change this client's work."))
    onboarding.handoff_item_set(item=item, done=request.POST.get("done") == "1", by=request.user)
    return _region(request, client)


def _onboarding_clients(request: HttpRequest):
    """Clients in scope with a handoff, or still in the onboarding stage; ?pod= narrows (404 outside)."""
    clients = Client.objects.visible_to(request.user).select_related("account_manager__pod", "handoff")
    pod = None
    if raw := params.text(request.GET, "pod"):
        if not raw.isdigit():
            raise params.BadParameter(_("pod must be a pod's number."))
        pod = get_object_or_404(visible_pods(request.user), pk=int(raw))
        clients = clients.filter(account_manager__pod=pod)
    stage = params.choice(request.GET, "show", ("all",), default="")
    clients = clients.filter(handoff__isnull=False)
    if stage != "all":
        clients = clients.filter(lifecycle_stage=LifecycleStage.ONBOARDING)
    return pod, stage, clients.order_by("-handoff__started_on", "name")


@require_GET
def onboarding_list(request: HttpRequest) -> HttpResponse:
    pod, stage, clients = _onboarding_clients(request)
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    progress = onboarding.onboarding_progress(rows)
    query = "&".join(part for part in (f"pod={pod.pk}" if pod else "", "show=all" if stage else "") if part)
    context = {"page": page, "rows": [(c, progress[c.pk]) for c in rows], "pod": pod, "stage": stage, "query": query}
    template = f"{PAGE}#onboarding-table" if wants_partial(request) else PAGE
    return render(request, template, context)


@require_GET
def onboarding_export(request: HttpRequest) -> HttpResponse:
    _pod, _stage, clients = _onboarding_clients(request)
    clients = list(clients)
    progress = onboarding.onboarding_progress(clients)
    header = [
        _("client"),
        _("account manager"),
        _("pod"),
        _("stage"),
        _("sold by"),
        _("what was promised"),
        _("onboarding started"),
        _("steps done"),
        _("steps"),
        _("kickoff items done"),
        _("kickoff items"),
        _("handoff items done"),
        _("handoff items"),
        _("agreement signed"),
        _("objectives"),
    ]
    rows = (
        [
            c.name,
            str(c.account_manager or ""),
            c.account_manager.pod.name if c.account_manager and c.account_manager.pod else "",
            c.get_lifecycle_stage_display(),
            c.handoff.sold_by,
            c.handoff.promised,
            c.handoff.started_on,
            p.done,
            p.total,
            p.kickoff_done,
            p.kickoff,
            p.handoff_done,
            p.handoff,
            c.expectation_agreement_signed_on or "",
            p.objectives,
        ]
        for c in clients
        for p in [progress[c.pk]]
    )
    return csv_response("onboarding.csv", header, rows)


@require_GET
def pod_onboarding(request: HttpRequest, pk: int) -> HttpResponse:
    """The pod page's region: the pod's clients in onboarding and how far each has come."""
    pod = get_object_or_404(visible_pods(request.user), pk=pk)
    clients = list(
        Client.objects.visible_to(request.user)
        .filter(account_manager__pod=pod, handoff__isnull=False, lifecycle_stage=LifecycleStage.ONBOARDING)
        .select_related("account_manager", "handoff")
        .order_by("-handoff__started_on", "name")[:PAGE_SIZE]
    )
    progress = onboarding.onboarding_progress(clients)
    context = {"pod": pod, "rows": [(c, progress[c.pk]) for c in clients]}
    return render(request, f"{PAGE}#pod-onboarding", context)
