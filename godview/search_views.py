"""`/search/`: the top bar's search box answers with a short list under the box (htmx), the page
itself with the longer one."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.params import text
from godview.search import search

PAGE_LIMIT = 50


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    query = text(request.GET, "q").strip()
    if request.htmx and not request.htmx.boosted:
        return render(request, "godview/search.html#dropdown", {"results": search(request.user, query)})
    return render(request, "godview/search.html", {"results": search(request.user, query, PAGE_LIMIT)})
