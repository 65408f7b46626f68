"""The sync page: sources, runs, what needs mapping, and "Sync now" for leadership and admins."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can_log_hours
from clients.models import Client
from clients.views import submit_form
from core.csv_export import csv_response
from core.htmx import template_for, wants_partial
from tasks import selectors, services
from tasks.forms import HoursForm
from tasks.models import Source, SyncRun
from tasks.services import QUEUE_UNAVAILABLE, sync_run_enqueue

TEMPLATE = "tasks/sync.html"
PARTIALS = frozenset({"sync-sources", "sync-history"})


def _require_sync_access(request: HttpRequest) -> None:
    if not selectors.can_use_sync(request.user):
        raise Http404("No such page.")


@require_GET
def sync_page(request: HttpRequest) -> HttpResponse:
    _require_sync_access(request)
    template = template_for(request, TEMPLATE, PARTIALS)
    context = {"sources": selectors.sync_sources(), "now": timezone.now()}
    if template == TEMPLATE or template.endswith("#sync-history"):
        context["runs"] = selectors.sync_run_page(request.GET.get("page"))
    if template == TEMPLATE:
        context["unmapped"] = selectors.unmapped_projects()
        context["assignees"] = selectors.unknown_assignees(context["sources"])
    context["polling"] = any(s.latest_run and s.latest_run.is_active for s in context["sources"])
    context["is_partial"] = template != TEMPLATE
    context["runs_here"] = runs_here()
    response = render(request, template, context)
    if template.endswith("#sync-sources"):
        response["HX-Trigger"] = "sync-changed"  # the history refreshes itself while a run is polled
    return response


@require_POST
def sync_now(request: HttpRequest, source_id: int) -> HttpResponse:
    _require_sync_access(request)
    source = get_object_or_404(Source, pk=source_id)
    if not source.enabled:
        messages.error(request, _("%(source)s is disabled: enable it in admin first.") % {"source": source})
    elif runs_here() and not source.token_is_set:
        # This process is the worker (no Redis): a run would only fail at once on the missing token.
        messages.error(request, missing_token_message(source))
    else:
        run, created = sync_run_enqueue(source=source, mode=SyncRun.Mode.INCREMENTAL, requested_by=request.user)
        run.refresh_from_db(fields=["status", "error_message"])
        if run.error_message == QUEUE_UNAVAILABLE:
            messages.error(request, _("The job queue is unavailable, so the sync could not start. Try again shortly."))
        elif not created:
            messages.info(
                request, _("%(source)s is already syncing (run %(run)s).") % {"source": source, "run": run.pk}
            )
        # A run that was queued needs no banner of its own: its card shows its state live
        # (queued, running with progress, finished or failed).
    if wants_partial(request):
        sources = selectors.sync_sources()
        polling = any(s.latest_run and s.latest_run.is_active for s in sources)
        context = {"sources": sources, "polling": polling, "now": timezone.now(), "is_partial": True}
        context["runs_here"] = runs_here()
        response = render(request, f"{TEMPLATE}#sync-sources", context)
        response["HX-Trigger"] = "sync-changed"
        return response
    return redirect("sync")


def runs_here() -> bool:
    """True when jobs run in this web process (no Redis): it must see the tokens itself."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def missing_token_message(source: Source) -> str:
    return _(
        "%(var)s is not set in this server's environment, so %(source)s cannot sync. Export the API token "
        "under that name and restart the server (README: Connecting Asana and ClickUp), or press Sync now "
        "on an offline demo source."
    ) % {"var": source.token_env_var, "source": source}


EXPORTS = {
    "runs": (
        [
            gettext_lazy("source"),
            gettext_lazy("queued"),
            gettext_lazy("started"),
            gettext_lazy("finished"),
            gettext_lazy("mode"),
            gettext_lazy("status"),
            gettext_lazy("fetched"),
            gettext_lazy("created"),
            gettext_lazy("updated"),
            gettext_lazy("unchanged"),
            gettext_lazy("skipped"),
            gettext_lazy("deleted"),
            gettext_lazy("time entries"),
            gettext_lazy("due dates moved"),
            gettext_lazy("failure"),
        ],
        lambda: (
            [
                r.source.name,
                r.queued_at.isoformat(),
                r.started_at and r.started_at.isoformat(),
                r.finished_at and r.finished_at.isoformat(),
                r.get_mode_display(),
                r.get_status_display(),
                r.fetched,
                r.created,
                r.updated,
                r.unchanged,
                r.skipped,
                r.deleted,
                r.time_entries,
                r.due_date_changes,
                r.error_message,
            ]
            for r in selectors.sync_runs_for_export().iterator()
        ),
    ),
    "unmapped": (
        [
            gettext_lazy("source"),
            gettext_lazy("external id"),
            gettext_lazy("project"),
            gettext_lazy("suggested client"),
        ],
        lambda: (
            [p.source.name, p.external_id, p.name, p.suggested_client.name if p.suggested_client else ""]
            for p in selectors.unmapped_projects(limit=None)
        ),
    ),
    "assignees": (
        [gettext_lazy("email"), gettext_lazy("tasks"), gettext_lazy("open tasks")],
        lambda: (
            [a["assignee_email"], a["tasks"], a["open_tasks"]]
            for a in selectors.unknown_assignees(Source.objects.all(), limit=None)
        ),
    ),
}


@require_GET
def sync_export(request: HttpRequest, table: str) -> StreamingHttpResponse:
    _require_sync_access(request)
    if table not in EXPORTS:
        raise Http404("No such table.")
    header, rows = EXPORTS[table]
    return csv_response(f"sync-{table}.csv", header, rows())


# --- hours logged in God-view -----------------------------------------------------------------

HOURS = "tasks/hours.html"


@require_http_methods(["GET", "POST"])
def log_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the log-hours form for a client; POST: log them (422 on bad input, 409 on a double submit)."""
    client = get_object_or_404(Client.objects.visible_to(request.user).select_related("account_manager"), pk=pk)
    if not can_log_hours(request.user, client):
        raise Http404("No such page.")
    form = HoursForm(request.POST if request.method == "POST" else None)
    context = {"client": client, "form": form, "recent": selectors.hours_logged_recently(client, request.user)}
    if request.method == "GET":
        return render(request, f"{HOURS}#hours-form", context)
    status = submit_form(
        request, form, lambda d: services.time_entry_log(client=client, by=request.user, **_without_token(d))
    )
    if status != 200:
        return render(request, f"{HOURS}#hours-form", context, status=status)
    context.update(form=HoursForm(), saved=True, recent=selectors.hours_logged_recently(client, request.user))
    response = render(request, f"{HOURS}#hours-form", context)
    response["HX-Trigger"] = "hoursLogged"
    return response


def _without_token(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "form_token"}
