"""Training screens: the compliance matrix, a person's training, the God-view panel, a module's procedure."""

from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.csv_export import csv_response
from core.htmx import template_for, wants_partial
from core.numbers import percent
from training import charts, selectors
from training.compliance import Status, Totals, group_by_pod, result_rows
from training.exports import matrix_rows, result_lines
from training.forms import PanelFilterForm, ResultFilterForm, TrainingFilterForm
from training.markdown import render_markdown
from training.models import TrainingModule

PAGE_SIZE = 50
TRAINING_PARTIALS = frozenset({"training-body"})


def bad_filters(request: HttpRequest, form) -> HttpResponse:
    """A clear 400 for a hand-edited query string (a pod outside your scope is simply not a choice)."""
    return render(request, "training/bad_request.html", {"form": form}, status=400)


@require_GET
def training(request: HttpRequest) -> HttpResponse:
    form = TrainingFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return bad_filters(request, form)
    matrix = selectors.compliance_matrix(request.user, form.filters())
    page = Paginator(matrix.rows, PAGE_SIZE).get_page(form.cleaned_data["page"])
    scope = _scope(form.cleaned_data, ("pod", "role"))
    pass_rate_figure, pass_rate_table = charts.pass_rates(list(matrix.module_stats), scope)
    score_figure, score_table = charts.score_distributions(list(matrix.module_stats))
    context = {
        "form": form,
        "pods": form.fields["pod"].queryset,  # lazy: only the full page's filter bar reads it
        "matrix": matrix,
        "page_obj": page,
        "groups": group_by_pod(page.object_list, matrix.rows),
        "compliance": percent(matrix.compliance),
        "insights": selectors.coaching(request.user, matrix),
        "pass_rate_figure": pass_rate_figure,
        "pass_rate_table": pass_rate_table,
        "score_figure": score_figure,
        "score_table": score_table,
        "coaching_window_weeks": selectors.COACHING_WINDOW_WEEKS,
    }
    return render(request, template_for(request, "training/training.html", TRAINING_PARTIALS), context)


@require_GET
def training_export(request: HttpRequest) -> HttpResponse:
    form = TrainingFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return bad_filters(request, form)
    matrix = selectors.compliance_matrix(request.user, form.filters())
    rows = matrix_rows(matrix)
    return csv_response("training-compliance.csv", next(rows), rows)


@require_GET
def training_results(request: HttpRequest) -> HttpResponse:
    """The rows behind compliance and the average test score: each person's required modules, with
    the result that counts (current version), filtered like the matrix; CSV with `?format=csv`."""
    form = ResultFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return bad_filters(request, form)
    data = form.cleaned_data
    matrix = selectors.compliance_matrix(request.user, form.filters())
    module = data["module"]
    rows = result_rows(matrix, data["status"], module.pk if module else None)
    if request.GET.get("format") == "csv":
        lines = result_lines(rows)
        return csv_response("training-results.csv", next(lines), lines)
    scores = [r.cell.score for r in rows if r.cell.status in (Status.PASSED, Status.FAILED)]
    totals = Totals(
        passed=sum(1 for r in rows if r.cell.status == Status.PASSED),
        required=len(rows),
        score_sum=sum(scores, Decimal(0)),
        scored=len(scores),
    )
    context = {
        "form": form,
        "pods": form.fields["pod"].queryset,
        "modules": matrix.modules,
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(data["page"]),
        "passed": totals.passed,
        "compliance": totals.compliance,
        "average_score": totals.average_score,
    }
    return render(request, template_for(request, "training/results.html", frozenset({"results-body"})), context)


@require_GET
def training_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's training and gaps. Embedded by the person page (htmx) or shown as its own page."""
    person = get_object_or_404(selectors.visible_people(request.user).select_related("pod"), pk=pk)
    context = {"person": person, "row": selectors.person_training(request.user, person)}
    # This URL exists to be embedded: any htmx swap gets the region, whatever the caller's target id.
    template = "training/person.html#training-person" if wants_partial(request) else "training/person.html"
    return render(request, template, context)


@require_GET
def training_panel(request: HttpRequest) -> HttpResponse:
    """The God-view's training widget: compliance, average score, top gaps, people most behind."""
    form = PanelFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return bad_filters(request, form)
    figures = selectors.panel_figures(request.user, form.filters())
    context = {
        "figures": figures,
        "pod": form.cleaned_data["pod"],
        "scope": _query(_scope(form.cleaned_data, ("pod", "am"))),
    }
    template = "training/panel.html#training-panel" if wants_partial(request) else "training/panel.html"
    return render(request, template, context)


def _scope(data: dict, names: tuple[str, ...]) -> dict:
    """The chosen filters among `names` (a pod or person by its id), for the results page's links."""
    return {name: getattr(data[name], "pk", data[name]) for name in names if data[name]}


def _query(scope: dict) -> str:
    return f"?{urlencode(scope)}" if scope else ""


@require_GET
def training_module(request: HttpRequest, pk: int) -> HttpResponse:
    """A module and its procedure: the written standard everyone is trained on (reference data)."""
    module = get_object_or_404(TrainingModule, pk=pk)
    results = selectors.own_results(request.user, module)
    current = next((r for r in results if r.version == module.version), None)
    context = {
        "module": module,
        "procedure": render_markdown(module.procedure),
        "required": module.is_required_for(request.user.role),
        "current": current,
        "outdated": current is None and bool(results),
    }
    return render(request, "training/module.html", context)
