"""Saved views (issue 18): leadership names the filters of a screen with a filter bar and shares
the link; `/views/` lists every saved view of the team."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from godview.models import SavedView

SCREENS = {
    "dashboard": gettext_lazy("God-view"),
    "client_list": gettext_lazy("Clients"),
    "goal_list": gettext_lazy("Weekly goals"),
    "task_list": gettext_lazy("Tasks"),
    "retention": gettext_lazy("Retention"),
    "next_week": gettext_lazy("Next week"),
    "objective_list": gettext_lazy("Objectives"),
}


def _leadership_only(request: HttpRequest) -> None:
    if not request.user.sees_everything:
        raise Http404


def _screen(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def _clean(request: HttpRequest) -> tuple[dict, str]:
    """The submitted view, or the message that says what is wrong with it."""
    name = request.POST.get("name", "").strip()
    path = request.POST.get("path", "")
    query = QueryDict(request.POST.get("query", "").lstrip("?"), mutable=True)
    query.pop("page", None)  # a view is the filters, not the page of the table
    for key in [k for k, values in query.lists() if not any(values)]:
        del query[key]  # "pod=&am=": the defaults, said by leaving them out
    if _screen(path) not in SCREENS:
        return {}, _("Only a screen with a filter bar can be saved as a view.")
    if not name:
        return {}, _("Give the view a name.")
    if len(name) > 80 or len(query.urlencode()) > 1000:
        return {}, _("The name is at most 80 characters and the filters at most 1,000.")
    if "\x00" in name or "\x00" in query.urlencode():
        return {}, _("The name cannot contain a NUL character.")
    if SavedView.objects.filter(created_by=request.user, name=name).exists():
        return {}, _("You already have a view called “%(name)s”.") % {"name": name}
    return {"name": name, "path": path, "query": query.urlencode()}, ""


def _page(request: HttpRequest, problem: str = "", status: int = 200) -> HttpResponse:
    views = list(SavedView.objects.select_related("created_by"))  # one query
    for view in views:
        view.screen = SCREENS.get(_screen(view.path), view.path)  # a screen renamed since: its address
    return render(request, "godview/saved_views.html", {"views": views, "problem": problem}, status=status)


@require_http_methods(["GET", "POST"])
def saved_view_list(request: HttpRequest) -> HttpResponse:
    _leadership_only(request)
    if request.method == "GET":
        return _page(request)
    fields, problem = _clean(request)
    if problem:
        return _page(request, problem, status=422)
    view = SavedView.objects.create(created_by=request.user, **fields)
    messages.success(request, _("Saved the view “%(name)s”: its link opens these filters.") % {"name": view.name})
    return redirect(view.url)


@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _leadership_only(request)
    view = get_object_or_404(SavedView, pk=pk, created_by=request.user)
    view.delete()
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
    return redirect("saved_views")
