"""Execution failures (issue 20): the list with its form and CSV, the modules most often linked to
failures (a region of the training page), and a person's assigned modules (a region of their
training). Only leadership and pod leads record; everyone sees the failures in their scope."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.views import submit_form
from core import params
from core.csv_export import csv_response
from core.htmx import wants_partial
from training import failures, selectors
from training.failure_forms import FailureForm
from training.models import TrainingModule

PAGE = "training/failures.html"
PAGE_SIZE = 50


def _module_param(request: HttpRequest) -> TrainingModule | None:
    raw = params.text(request.GET, "module")
    if not raw:
        return None
    if not raw.isdigit():
        raise params.BadParameter(_("module must be a training module's number."))
    return get_object_or_404(TrainingModule, pk=int(raw))


def _with_state(rows) -> list[tuple]:
    """Each failure with its assignment's state (done on, overdue), or None without one (one query)."""
    rows = list(rows)
    assigned = [f.assignment for f in rows if hasattr(f, "assignment")]
    state = {row.assignment.pk: row for row in failures.assignment_rows(assigned)}
    return [(f, state[f.assignment.pk] if hasattr(f, "assignment") else None) for f in rows]


def _record(user):
    def save(data: dict):
        fields = {k: v for k, v in data.items() if k != "form_token"}
        return failures.execution_failure_record(by=user, **fields)

    return save


def _listing(request: HttpRequest, form=None, status: int = 200, saved: str = "") -> HttpResponse:
    module = _module_param(request)
    scoped = failures.visible_failures(request.user)
    rows = failures.failure_filter(scoped, module).select_related(
        "person", "client", "module", "recorded_by", "assignment"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    can_record = failures.can_record_failures(request.user)
    context = {
        "page": page,
        "rows": _with_state(page.object_list),
        "module": module,
        "query": f"module={module.pk}" if module else "",
        "top": failures.modules_most_failed(scoped),
        "form": form if form is not None else (FailureForm(user=request.user) if can_record else None),
        "saved": saved,
    }
    template = f"{PAGE}#failures-body" if wants_partial(request) else PAGE
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def failure_list(request: HttpRequest) -> HttpResponse:
    """GET: the failures in scope; POST (leadership, pod leads): record one and assign its module."""
    if request.method == "GET":
        return _listing(request)
    if not failures.can_record_failures(request.user):
        raise Http404(_("Only leadership and pod leads record execution failures."))
    form = FailureForm(request.POST, user=request.user)
    status = submit_form(
        request,
        form,
        lambda d: failures.execution_failure_record(
            by=request.user, **{k: v for k, v in d.items() if k != "form_token"}
        ),
    )
    if status != 200:
        return _listing(request, form=form, status=status)
    return _listing(request, saved=_("Failure recorded; the module is assigned."))


@require_GET
def failure_export(request: HttpRequest) -> HttpResponse:
    module = _module_param(request)
    rows = failures.failure_filter(failures.visible_failures(request.user), module).select_related(
        "person", "client", "module", "recorded_by", "assignment"
    )
    header = [
        _("when"),
        _("person"),
        _("client"),
        _("what went wrong"),
        _("module"),
        _("due"),
        _("done on"),
        _("overdue"),
        _("recorded by"),
    ]

    def line(f, row):
        return [
            f.occurred_on,
            str(f.person),
            f.client.name,
            f.what_went_wrong,
            f.module.title,
            row.assignment.due_on if row else "",
            (row.done_on or "") if row else "",
            (_("yes") if row.overdue else _("no")) if row else "",
            str(f.recorded_by or ""),
        ]

    return csv_response("execution-failures.csv", header, (line(f, row) for f, row in _with_state(rows)))


@require_GET
def failure_modules(request: HttpRequest) -> HttpResponse:
    """The training page's region: the modules most often linked to failures in scope."""
    context = {"top": failures.modules_most_failed(failures.visible_failures(request.user))}
    return render(request, f"{PAGE}#failure-modules", context)


@require_GET
def person_assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's assigned modules with due dates (their training page's region)."""
    person = get_object_or_404(selectors.visible_people(request.user), pk=pk)
    context = {"person": person, "assignments": failures.person_assignments(person)}
    return render(request, f"{PAGE}#person-assignments", context)
