"""Actions: done / snooze / drop (from Today and the queue) and the action queue with its CSV.

Writes follow the workspace's flow (`clients.views.submit_form`): scope (404 outside it) → form
(422 with the typed values and a clear message) → one-time token (409 on a double submit) →
service → the action's item again, with an `actionsChanged` event for the regions that count.
"""

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_act_on, sees_action_queue
from clients import action_services
from clients.action_forms import ActionDoneForm, ActionDropForm, ActionSnoozeForm, QueueFilterForm
from clients.action_selectors import priority, queue_figures, ranked_queue, sorted_queue
from clients.models import Action
from clients.views import submit_form
from core.csv_export import csv_response
from core.htmx import template_for, wants_partial
from core.sorting import ordering
from core.weeks import today

PAGE = "clients/actions.html"
PER_PAGE = 50
QUEUE_COLUMNS = {  # core.sorting: priority first is the queue's own order, ranked by action_selectors.RankedQueue
    "priority": ("-priority", "oldest_overdue", "client__name", "client_id", "due_on"),
    "client": ("client__name", "due_on"),
    "action": ("title", "due_on"),
    "owner": ("owner__first_name", "owner__last_name", "due_on"),
    "due": ("due_on", "client__name"),
}
VERBS: dict[str, tuple[type, Callable]] = {
    "done": (ActionDoneForm, lambda a, d, u: action_services.action_done(action=a, outcome=d["outcome"], by=u)),
    "snooze": (
        ActionSnoozeForm,
        lambda a, d, u: action_services.action_snooze(action=a, reason=d["reason"], wake_on=d["wake_on"], by=u),
    ),
    "drop": (ActionDropForm, lambda a, d, u: action_services.action_drop(action=a, reason=d["reason"], by=u)),
}


def action_forms(action: Action, bound: dict | None = None) -> dict:
    """The three forms of an action's item; `bound` replaces one with the submitted form. (A list
    of items gives `dict.fromkeys(VERBS)` instead: each form is fetched when opened, `action_form`.)"""
    forms = {verb: spec[0](action=action) for verb, spec in VERBS.items()}
    return forms | (bound or {})


def _item(request: HttpRequest, action: Action, status: int = 200, verb: str = "", form=None) -> HttpResponse:
    action = Action.objects.select_related("client", "owner").get(pk=action.pk)
    context = {
        "action": action,
        "forms": action_forms(action, {verb: form} if form is not None else None),
        "open_verb": verb if status != 200 else "",
        "can_act": True,
        "today": today(),
    }
    response = render(request, f"{PAGE}#action-item", context, status=status)
    if status == 200:
        response["HX-Trigger"] = "actionsChanged"
    return response


def _action_for_write(request: HttpRequest, pk: int) -> Action:
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("client__account_manager"), pk=pk)
    if not can_act_on(request.user, action.client):
        raise Http404(_("You cannot change this client's actions."))
    return action


def _change(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    action = _action_for_write(request, pk)
    form_class, save = VERBS[verb]
    form = form_class(request.POST, action=action)
    status = submit_form(request, form, lambda data: save(action, data, request.user))
    if status != 200:
        return _item(request, action, status=status, verb=verb, form=form)
    if not wants_partial(request):
        return redirect((request.POST.get("next") == "queue" and "action_queue") or "my_clients")
    return _item(request, action)


@require_GET
def action_form(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One verb's form of an action's item, fetched when its button is first opened (a Today list
    renders the verbs' buttons, not three forms for each of its actions)."""
    if verb not in VERBS:
        raise Http404(_("No such change to an action."))
    action = _action_for_write(request, pk)
    context = {"action": action, "verb": verb, "form": VERBS[verb][0](action=action)}
    return render(request, f"{PAGE}#action-verb-form", context)


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, "done")


@require_POST
def action_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, "snooze")


@require_POST
def action_drop(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, "drop")


# --- the queue ------------------------------------------------------------------------------


def _queue_input(request: HttpRequest):
    if not sees_action_queue(request.user):
        raise Http404(_("The action queue is for leadership and pod leads."))
    form = QueueFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return (
            form,
            None,
            HttpResponseBadRequest(
                escape(_("Those filters are not valid: %(errors)s") % {"errors": errors}),
                content_type="text/plain; charset=utf-8",
            ),
        )
    return form, form.filters(), None


def _filter_fields(form: QueueFilterForm) -> list[tuple[BoundField, SafeString | None]]:
    return [(field, _options(field)) for field in form]


def _options(field: BoundField) -> SafeString | None:
    """A select's options, for a hand-written select: Django's widget templates take ~70 ms for a
    network's thousand people, a template loop ~15. The choices are read once (`list()` would count
    a queryset's first). None for the checkbox."""
    if not isinstance(field.field, forms.ChoiceField):
        return None
    current = "" if field.value() is None else str(field.value())
    options = (
        (value, mark_safe(" selected" if str(value) == current else ""), label) for value, label in field.field.choices
    )
    return format_html_join("", '<option value="{}"{}>{}</option>', options)


@require_GET
def action_queue(request: HttpRequest) -> HttpResponse:
    """Every open action in scope by priority, with the figures, the filters kept in the URL."""
    form, filters, bad = _queue_input(request)
    if bad:
        return bad
    on = today()
    sort = ordering(request.GET, QUEUE_COLUMNS, "priority")
    page = Paginator(sorted_queue(request.user, filters, sort, on), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(_labelled(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "filter_fields": partial(_filter_fields, form),  # called by the template: the full page only
        "figures": queue_figures(request.user, filters, on),
        "page": page,
        "today": on,
        "qs": urlencode(query),
        "export_qs": urlencode(query),
        "sort": sort.current,
        "sort_descending": sort.descending,
    }
    return render(request, template_for(request, PAGE, frozenset({"queue-table"})), context)


def _labelled(actions: Iterable[Action]) -> Iterator[Action]:
    """The actions with `origin_text` and `status_text` set, asked of the model once per kind:
    Django rebuilds a field's choices on every `get_FOO_display` (half the CSV's time)."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    for action in actions:
        kind = (action.rule, action.origin, action.status)
        if kind not in seen:
            seen[kind] = (action.origin_label, action.get_status_display())
        action.origin_text, action.status_text = seen[kind]
        yield action


@require_GET
def action_export(request: HttpRequest) -> HttpResponse:
    _form, filters, bad = _queue_input(request)
    if bad:
        return bad
    header = [
        _("client"),
        _("owner"),
        _("rule or origin"),
        _("title"),
        _("due"),
        _("status"),
        _("priority"),
        _("mrr"),
        _("risk score"),
    ]
    rows = (
        [
            a.client.name,
            str(a.owner or ""),
            a.origin_text,
            a.title,
            a.due_on,
            a.status_text,
            priority(a.risk, a.client.mrr, a.client.tier.is_premium),
            a.client.mrr,
            a.risk,
        ]
        for a in _labelled(ranked_queue(request.user, filters))
    )
    return csv_response("actions.csv", header, rows)
