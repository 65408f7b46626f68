"""The voice of the client (issue 20): the God-view's region with the month's top five client
problems, and the rows behind every count (page and CSV). The God-view's filters (pod, tier, AM)
narrow the clients; the window is always the 30 days ending today (clients.voice)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clients.models import RiskReason
from clients.voice import SOURCES, problem_rows, top_problems, window
from core import params
from core.csv_export import csv_response
from core.htmx import wants_partial
from core.sorting import kept, sorted_rows
from core.weeks import today
from godview import selectors
from godview.views import bad_filter, filters_or_400

PAGE = "godview/voice.html"
PAGE_SIZE = 50
COLUMNS = {  # core.sorting.sorted_rows: a mention's value, most first natural; newest first by default
    "date": (lambda m: m.on, True),
    "client": (lambda m: m.client.name.lower(), False),
    "source": (lambda m: m.source, False),
}


@require_GET
@bad_filter
def voice_widget(request: HttpRequest) -> HttpResponse:
    _form, filters = filters_or_400(request)
    on = today()
    clients = selectors.scoped_clients(request.user, filters)
    problems = top_problems(clients, on)
    if request.GET.get("format") == "csv":
        header = [
            _("problem"),
            _("mentions"),
            _("risk reasons"),
            _("negative contacts"),
            _("detractor comments"),
            _("clients"),
        ]
        rows = (
            [p.label, p.count, p.mentions["risk"], p.mentions["contact"], p.mentions["nps"], len(p.clients)]
            for p in problems
        )
        return csv_response("voice-of-the-client.csv", header, rows)
    context = {"problems": problems, "window": window(on), "qs": filters.querystring()}
    return render(request, f"{PAGE}#voice", context)


def _rows(request: HttpRequest):
    _form, filters = filters_or_400(request)
    problem = params.choice(request.GET, "problem", RiskReason.values)
    if not problem:
        raise params.BadParameter(_("problem is required: one of %(codes)s.") % {"codes": ", ".join(RiskReason.values)})
    source = params.choice(request.GET, "source", SOURCES)
    on = today()
    rows = problem_rows(selectors.scoped_clients(request.user, filters), on, problem, source)
    return filters, problem, source, on, rows


@require_GET
@bad_filter
def voice_rows(request: HttpRequest) -> HttpResponse:
    filters, problem, source, on, rows = _rows(request)
    sort, rows = sorted_rows(request.GET, COLUMNS, "date", rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.params(problem=problem, source=source) | kept(request.GET)
    context = {
        "page": page,
        "problem": problem,
        "problem_label": RiskReason(problem).label,
        "source": source,
        "window": window(on),
        "filters": filters,
        "query": "&".join(f"{k}={v}" for k, v in query.items()),
        "clients": len({m.client.pk for m in rows}),
        "sort": sort.current,
        "sort_descending": sort.descending,
    }
    template = f"{PAGE}#voice-rows" if wants_partial(request) else PAGE
    return render(request, template, context)


@require_GET
@bad_filter
def voice_export(request: HttpRequest) -> HttpResponse:
    _filters, problem, _source, _on, rows = _rows(request)
    header = [_("date"), _("source"), _("problem"), _("client"), _("account manager"), _("text")]
    sources = {"risk": _("Risk reasons"), "contact": _("Negative contacts"), "nps": _("Detractor comments")}
    label = RiskReason(problem).label
    lines = ([m.on, sources[m.source], label, m.client.name, str(m.client.account_manager or ""), m.text] for m in rows)
    return csv_response(f"voice-of-the-client-{problem}.csv", header, lines)
