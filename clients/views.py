"""The AM workspace (issue 4): My clients, the week view, the client action panel and its forms.

Every write goes: scope (404 outside it) → form (422 with the typed values on bad input) → one-time
token (409 on a double submit) → service (atomic) → fresh form + an `HX-Trigger` event, so other
regions refresh themselves without knowing about each other.
"""

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import (
    can_add_goal,
    can_log_hours,
    can_record_revenue,
    can_write_client_work,
    can_write_experiments,
)
from clients import services
from clients import workspace_selectors as ws
from clients.forms import (
    AgreementForm,
    CancelForm,
    CloseExperimentForm,
    CloseForm,
    ContactForm,
    ExperimentForm,
    GoalForm,
    KickoffForm,
    NPSForm,
    ObjectiveForm,
    PostponeForm,
    ProgressForm,
    RevenueForm,
    ReviewForm,
    RiskForm,
    TacticForm,
    WaitingEndForm,
    WaitingForm,
)
from clients.models import (
    Client,
    Experiment,
    KickoffItem,
    Objective,
    QuarterlyReview,
    Tactic,
    WaitingPeriod,
    WeeklyGoal,
)
from core import form_tokens, params
from core.csv_export import csv_response
from core.htmx import wants_partial
from core.weeks import previous_quarter, quarter_label, quarter_of, today, week_start

PANEL = "clients/workspace.html"
GET_POST = require_http_methods(["GET", "POST"])


# --- scope ----------------------------------------------------------------------------------


def visible_client(user: User, pk: int) -> Client:
    clients = Client.objects.visible_to(user).select_related("tier", "account_manager")
    return get_object_or_404(clients, pk=pk)


def _writable(user: User, client: Client, can: Callable = can_write_client_work) -> Client:
    """Writes outside the user's write scope answer 404, like anything else out of scope."""
    if not can(user, client):
        raise Http404(_("You cannot change this client's work."))
    return client


def _can_revenue(user: User, client: Client) -> bool:
    return can_record_revenue(user)


def _scoped(model, user: User, pk: int):
    return get_object_or_404(model.objects.visible_to(user).select_related("client__account_manager"), pk=pk)


# --- the form flow --------------------------------------------------------------------------


def _attach(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class _AlreadySent(Exception):
    pass


def submit_form(request: HttpRequest, form, save: Callable[[dict], object]) -> int:
    """Validate, then claim the one-time token and save in one transaction (a refused save frees
    its token with the rollback). Returns the status to answer with."""
    if not form.is_valid():
        return 422
    try:
        with transaction.atomic():
            if not form_tokens.claim(request.user.pk, form.cleaned_data["form_token"]):
                raise _AlreadySent
            save(form.cleaned_data)
    except _AlreadySent:
        form.add_error(None, _("This form was already sent; nothing was saved twice."))
        return 409
    except ValidationError as error:
        _attach(form, error)
        return 409 if isinstance(error, services.ReviewLocked) else 422
    return 200


def _with_event(response: HttpResponse, event: str) -> HttpResponse:
    response["HX-Trigger"] = event
    return response


# --- client forms (one endpoint per kind) ----------------------------------------------------


@dataclass(frozen=True)
class FormKind:
    form: type
    heading: str
    submit: str
    event: str
    can: Callable
    saved: str


def _goal_form(client: Client, request: HttpRequest, data=None) -> GoalForm:
    corrects_past = request.user.sees_everything and not can_write_client_work(request.user, client)
    form = GoalForm(data, client=client, corrects_past=corrects_past)
    week = request.GET.get("week")
    if data is None and week:
        with contextlib.suppress(ValueError):  # a bad ?week= only loses the suggestion
            form.fields["week"].initial = dt.date.fromisoformat(week)
    return form


KINDS: dict[str, FormKind] = {
    "contact": FormKind(
        ContactForm,
        gettext_lazy("Log a contact"),
        gettext_lazy("Log contact"),
        "contactLogged",
        can_write_client_work,
        gettext_lazy("Contact logged."),
    ),
    "risk": FormKind(
        RiskForm,
        gettext_lazy("Risk assessment"),
        gettext_lazy("Record risk"),
        "riskRecorded",
        can_write_client_work,
        gettext_lazy("Risk recorded."),
    ),
    "goal": FormKind(
        GoalForm,
        gettext_lazy("Add a weekly goal"),
        gettext_lazy("Add goal"),
        "goalsChanged",
        can_add_goal,
        gettext_lazy("Goal added."),
    ),
    "objective": FormKind(
        ObjectiveForm,
        gettext_lazy("New 90-day objective"),
        gettext_lazy("Add objective"),
        "objectivesChanged",
        can_write_client_work,
        gettext_lazy("Objective added."),
    ),
    "nps": FormKind(
        NPSForm,
        gettext_lazy("NPS response"),
        gettext_lazy("Record NPS"),
        "npsRecorded",
        can_write_client_work,
        gettext_lazy("NPS response recorded."),
    ),
    "tactic": FormKind(
        TacticForm,
        gettext_lazy("New tactic"),
        gettext_lazy("Start tactic"),
        "tacticsChanged",
        can_write_client_work,
        gettext_lazy("Tactic recorded."),
    ),
    "experiment": FormKind(
        ExperimentForm,
        gettext_lazy("New A/B experiment"),
        gettext_lazy("Start experiment"),
        "tacticsChanged",
        can_write_experiments,
        gettext_lazy("Experiment recorded."),
    ),
    "waiting": FormKind(
        WaitingForm,
        gettext_lazy("Waiting on the client"),
        gettext_lazy("Start waiting"),
        "waitingChanged",
        can_write_client_work,
        gettext_lazy("Wait recorded."),
    ),
    "agreement": FormKind(
        AgreementForm,
        gettext_lazy("Expectation agreement"),
        gettext_lazy("Save agreement"),
        "agreementChanged",
        can_write_client_work,
        gettext_lazy("Agreement saved."),
    ),
    "kickoff": FormKind(
        KickoffForm,
        gettext_lazy("Add a kickoff plan item"),
        gettext_lazy("Add item"),
        "kickoffChanged",
        can_write_client_work,
        gettext_lazy("Item added."),
    ),
    "revenue": FormKind(
        RevenueForm,
        gettext_lazy("Revenue event"),
        gettext_lazy("Record revenue event"),
        "revenueRecorded",
        _can_revenue,
        gettext_lazy("Revenue event recorded."),
    ),
}


def _saver(kind: str, client: Client, user: User) -> Callable[[dict], object]:
    def clean(data: dict, *drop: str) -> dict:
        return {k: v for k, v in data.items() if k not in ("form_token", *drop)}

    savers: dict[str, Callable[[dict], object]] = {
        "contact": lambda d: services.contact_log(client=client, by=user, **clean(d)),
        "risk": lambda d: services.risk_assessment_record(client=client, by=user, **clean(d)),
        "goal": lambda d: services.weekly_goal_create(
            client=client,
            owner=client.account_manager or user,
            title=d["title"],
            week=d["week"],
            objective=d["objective"],
            shared_with_client=d["shared_with_client"],
            created_by=user,
            late_reason=d.get("late_reason", ""),
        ),
        "objective": lambda d: services.objective_create(client=client, by=user, **clean(d)),
        "nps": lambda d: services.nps_record(client=client, by=user, **clean(d)),
        "tactic": lambda d: services.tactic_create(client=client, owner=user, **clean(d)),
        "experiment": lambda d: services.experiment_create(client=client, owner=user, **clean(d)),
        "waiting": lambda d: services.waiting_start(client=client, by=user, **clean(d)),
        "agreement": lambda d: services.agreement_record(client=client, **clean(d)),
        "kickoff": lambda d: services.kickoff_item_add(client=client, by=user, **clean(d)),
        "revenue": lambda d: services.revenue_event_record(
            client=client, by=user, **{**clean(d, "amount"), "amount": d.get("amount") or 0}
        ),
    }
    return savers[kind]


FORMS_OF_A_CLIENT = {"waiting", "agreement", "contact"}  # forms whose choices or initial values come from the client


def _new_form(kind: str, client: Client, request: HttpRequest, data=None):
    if kind == "goal":
        return _goal_form(client, request, data)
    if kind in FORMS_OF_A_CLIENT:
        return KINDS[kind].form(data, client=client)
    return KINDS[kind].form(data)


def _form_context(kind: str, client: Client, form, user: User, saved: str = "", signals: dict | None = None) -> dict:
    spec = KINDS[kind]
    context = {
        "client": client,
        "form": form,
        "kind": kind,
        "heading": spec.heading,
        "submit_label": spec.submit,
        "action": reverse("workspace_form", kwargs={"pk": client.pk, "kind": kind}),
        "saved": saved,
    }
    if kind == "risk" and signals:  # else the form loads its health note itself (client_health_note)
        context.update(signals)
    return context


@GET_POST
def client_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """GET: the quick form for `kind`; POST: save it (see the module docstring for the flow)."""
    if kind not in KINDS:
        raise Http404(_("No such form."))
    client = _writable(request.user, visible_client(request.user, pk), KINDS[kind].can)
    if request.method == "GET":
        form = _new_form(kind, client, request)
        return render(request, f"{PANEL}#quick-form", _form_context(kind, client, form, request.user))
    form = _new_form(kind, client, request, request.POST)
    status = submit_form(request, form, _saver(kind, client, request.user))
    if status != 200:
        return render(request, f"{PANEL}#quick-form", _form_context(kind, client, form, request.user), status=status)
    if not wants_partial(request):
        return redirect("client_workspace", pk=client.pk)
    fresh = _new_form(kind, client, request)
    context = _form_context(kind, client, fresh, request.user, saved=KINDS[kind].saved)
    return _with_event(render(request, f"{PANEL}#quick-form", context), KINDS[kind].event)


# --- weekly goal actions --------------------------------------------------------------------


def _goal_for_write(user: User, pk: int) -> WeeklyGoal:
    goal = _scoped(WeeklyGoal, user, pk)
    _writable(user, goal.client)
    return goal


def _goal_row(
    request: HttpRequest, goal: WeeklyGoal, status: int = 200, event: str = "goalUpdated", **extra
) -> HttpResponse:
    """The goal's row; done/cancel announce `goalUpdated` (counts refresh, lists keep open forms),
    postponing announces `goalsChanged` (the carried-over goal must appear)."""
    goal = WeeklyGoal.objects.select_related("objective", "postponement", "carried_over_from__original").get(pk=goal.pk)
    context = {"goal": goal, "can_write": True, "show_client": request.GET.get("show") == "client", **extra}
    response = render(request, f"{PANEL}#goal-row", context, status=status)
    return _with_event(response, event) if status == 200 and not extra else response


@require_GET
def goal_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One goal's row (to put a row back after an inline form is dismissed)."""
    goal = _scoped(WeeklyGoal, request.user, pk)
    return render(
        request, f"{PANEL}#goal-row", {"goal": goal, "can_write": can_write_client_work(request.user, goal.client)}
    )


@require_POST
def goal_done(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for_write(request.user, pk)
    try:
        services.weekly_goal_complete(goal=goal, by=request.user)
    except ValidationError as error:
        return _goal_row(request, goal, status=409, goal_error=" ".join(error.messages))
    return _goal_row(request, goal)


def _goal_change(
    request: HttpRequest, pk: int, form_class, action: str, save: Callable, event: str = "goalUpdated"
) -> HttpResponse:
    goal = _goal_for_write(request.user, pk)
    url = reverse(f"goal_{action}", kwargs={"pk": goal.pk})
    if request.method == "GET":
        return _goal_row(request, goal, goal_form=form_class(goal=goal), goal_action=url, goal_verb=action)
    form = form_class(request.POST, goal=goal)
    status = submit_form(request, form, lambda d: save(goal, d))
    if status != 200:
        return _goal_row(request, goal, status=status, goal_form=form, goal_action=url, goal_verb=action)
    return _goal_row(request, goal, event=event)


@GET_POST
def goal_postpone(request: HttpRequest, pk: int) -> HttpResponse:
    """Postpone with a required reason; the original stays (a miss), a carried-over goal is created."""
    user = request.user
    return _goal_change(
        request,
        pk,
        PostponeForm,
        "postpone",
        lambda goal, d: services.weekly_goal_postpone(
            goal=goal, reason=d["reason"], target_week=d["target_week"], by=user
        ),
        event="goalsChanged",
    )


@GET_POST
def goal_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _goal_change(
        request,
        pk,
        CancelForm,
        "cancel",
        lambda goal, d: services.weekly_goal_cancel(goal=goal, reason=d["reason"], by=request.user),
    )


# --- objectives, kickoff, tactics, experiments ------------------------------------------------


@GET_POST
def objective_progress(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _scoped(Objective, request.user, pk)
    _writable(request.user, objective.client)
    url = reverse("objective_progress", kwargs={"pk": pk})
    if request.method == "GET":
        form = ProgressForm(objective=objective, initial={"current_value": objective.current_value})
        return _objective_row(request, objective, form=form, action=url)
    form = ProgressForm(request.POST, objective=objective)
    status = submit_form(
        request,
        form,
        lambda d: services.objective_update_progress(
            objective=objective, current_value=d["current_value"], by=request.user
        ),
    )
    if status != 200:
        return _objective_row(request, objective, form=form, action=url, status=status)
    return _with_event(_objective_row(request, objective), "objectivesChanged")


def _objective_row(request: HttpRequest, objective: Objective, status: int = 200, **extra) -> HttpResponse:
    objective.refresh_from_db()
    row = next(r for r in ws.objective_rows(objective.client) if r.objective.pk == objective.pk)
    return render(request, f"{PANEL}#objective-row", {"row": row, "can_write": True, **extra}, status=status)


@require_POST
def kickoff_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = _scoped(KickoffItem, request.user, pk)
    _writable(request.user, item.client)
    if request.POST.get("done") not in ("0", "1"):
        return _bad_request(_("Say whether the item is done (done=1) or not (done=0)."))
    item = services.kickoff_item_set(item=item, done=request.POST["done"] == "1", by=request.user)
    return render(request, f"{PANEL}#kickoff-item", {"item": item, "can_write": True})


@require_POST
def kickoff_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item up (step=-1) or down (step=1) the plan; answers the whole list."""
    item = _scoped(KickoffItem, request.user, pk)
    _writable(request.user, item.client)
    if request.POST.get("step") not in ("-1", "1"):
        return _bad_request(_("Say which way to move the item (step=-1 or step=1)."))
    plan = services.kickoff_item_move(item=item, step=int(request.POST["step"]))
    return render(request, f"{PANEL}#kickoff-list", {"kickoff": plan, "can_write": True, "client": item.client})


@GET_POST
def waiting_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a wait (the client answered); the panel's waiting list refreshes on `waitingChanged`."""
    period = _scoped(WaitingPeriod, request.user, pk)
    _writable(request.user, period.client)
    form = WaitingEndForm(request.POST if request.method == "POST" else None, period=period)
    context = {"period": period, "end_form": form, "can_write": True}
    if request.method == "GET":
        return render(request, f"{PANEL}#waiting-row", context)
    status = submit_form(request, form, lambda d: services.waiting_end(period=period, ended_on=d["ended_on"]))
    if status != 200:
        return render(request, f"{PANEL}#waiting-row", context, status=status)
    period.refresh_from_db()
    return _with_event(render(request, f"{PANEL}#waiting-row", {"period": period, "can_write": True}), "waitingChanged")


def _close(request: HttpRequest, pk: int, model, form_class, can: Callable, save: Callable) -> HttpResponse:
    record = _scoped(model, request.user, pk)
    _writable(request.user, record.client, can)
    url = reverse(f"{model.__name__.lower()}_close", kwargs={"pk": pk})
    context = {"record": record, "can_write": True, "close_action": url}
    if request.method == "GET":
        return render(request, f"{PANEL}#record-row", {**context, "close_form": form_class(record=record)})
    form = form_class(request.POST, record=record)
    status = submit_form(request, form, lambda d: save(record, d))
    if status != 200:
        return render(request, f"{PANEL}#record-row", {**context, "close_form": form}, status=status)
    context["record"] = model.objects.select_related("owner").get(pk=pk)
    return _with_event(render(request, f"{PANEL}#record-row", context), "tacticsChanged")


@GET_POST
def tactic_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(
        request,
        pk,
        Tactic,
        CloseForm,
        can_write_client_work,
        lambda t, d: services.tactic_close(tactic=t, outcome=d["outcome"], ended_on=d["ended_on"], by=request.user),
    )


@GET_POST
def experiment_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(
        request,
        pk,
        Experiment,
        CloseExperimentForm,
        can_write_experiments,
        lambda e, d: services.experiment_close(
            experiment=e, outcome=d["outcome"], ended_on=d["ended_on"], confidence=d["confidence"], by=request.user
        ),
    )


# --- the client action panel ------------------------------------------------------------------


def panel_context(request: HttpRequest, client: Client, signals: dict) -> dict:
    """The action panel's context; `signals` (the health signal and the current risk) come from the
    floor above, which reads the tasks that the health signal counts."""
    user = request.user
    writes = can_write_client_work(user, client)
    kinds = [k for k, spec in KINDS.items() if spec.can(user, client)]
    monday = week_start(today())
    tactics = list(client.tactics.select_related("owner"))
    experiments = list(client.experiments.select_related("owner"))
    year, quarter = quarter_of(today())
    return {
        **signals,
        "client": client,
        "can_write": writes,
        "can_experiment": can_write_experiments(user, client),
        "can_log_hours": can_log_hours(user, client),
        "risk_history": ws.risk_trend(client),
        "contacts": list(client.contacts.select_related("logged_by")[:5]),
        "goals": ws.panel_goals(client),
        "this_week": monday,
        "objectives": ws.objective_rows(client),
        "kickoff": list(client.kickoff_items.all()),
        "waits": ws.recent_waits(client),
        "reviews": list(client.quarterly_reviews.all()[:8]),
        "review_url": reverse("client_review", kwargs={"pk": client.pk, "year": year, "quarter": quarter}),
        "review_label": quarter_label(year, quarter),
        "tactics": tactics,
        "experiments": experiments,
        "win_loss": ws.win_loss(tactics, experiments),
        "latest_nps": client.nps_responses.first(),
        "quick_forms": [
            _form_context(kind, client, _new_form(kind, client, request), user, signals=signals) for kind in kinds
        ],
    }


# --- My clients and the week view ---------------------------------------------------------------


def _week_param(request: HttpRequest) -> dt.date:
    """This week, or the week of ?week= (a bad or out-of-range date is a 400 that says so)."""
    return params.week(request.GET, "week", default=week_start(today()))


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@require_GET
def my_week(request: HttpRequest) -> HttpResponse:
    monday = _week_param(request)
    weeks = ws.week_view(request.user, monday)
    hit = sum(w.hit for w in weeks)
    due = sum(len(w.counted) for w in weeks)
    writable = {w.client.pk for w in weeks if can_write_client_work(request.user, w.client)}
    context = {
        "weeks": weeks,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(weeks=1),
        "next": monday + dt.timedelta(weeks=1),
        "is_this_week": monday == week_start(today()),
        "hit": hit,
        "due": due,
        "hit_rate": ws.hit_rate(hit, due),
        "writable": writable,
    }
    if wants_partial(request) and request.htmx.target == "week-goals":
        return render(request, "clients/week.html#week-goals", context)
    return render(request, "clients/week.html", context)


@require_GET
def week_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared-with-client summary of one client's week, as a Markdown file."""
    client = visible_client(request.user, pk)
    monday = _week_param(request)
    goals = list(client.weekly_goals.filter(week_start=monday).order_by("pk"))
    response = HttpResponse(ws.week_summary_text(client, monday, goals), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="week-{monday.isoformat()}-client-{client.pk}.md"'
    return response


# --- quarterly reviews ------------------------------------------------------------------------


def _review_context(client: Client, year: int, quarter: int, review, form, user: User, **extra) -> dict:
    prev_year, prev_quarter = previous_quarter(year, quarter)
    previous = QuarterlyReview.objects.filter(client=client, year=prev_year, quarter=prev_quarter).first()
    locked = review is not None and review.status == QuarterlyReview.Status.SUBMITTED
    groups = [
        (
            title,
            [
                (form[name], _display(previous, name) if previous else None, _display(review, name) if review else "")
                for name in names
            ],
        )
        for title, names in QuarterlyReview.GROUPS
    ]
    return {
        "client": client,
        "year": year,
        "quarter": quarter,
        "label": quarter_label(year, quarter),
        "review": review,
        "previous": previous,
        "previous_label": quarter_label(prev_year, prev_quarter),
        "form": form,
        "groups": groups,
        "locked": locked,
        "can_write": can_write_client_work(user, client) and not locked,
        **extra,
    }


def _display(review: QuarterlyReview, name: str):
    getter = getattr(review, f"get_{name}_display", None)
    value = getter() if getter else getattr(review, name)
    return "" if value is None else value


def _review_quarter(year: int, quarter: int) -> None:
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404(_("No such quarter."))


@GET_POST
def client_review(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    """The 28-field quarterly review: save as draft, submit; submitted reviews are read-only."""
    _review_quarter(year, quarter)
    client = visible_client(request.user, pk)
    review = QuarterlyReview.objects.filter(client=client, year=year, quarter=quarter).first()
    template = "clients/review.html"
    if request.method == "GET":
        form = ReviewForm(instance=review or QuarterlyReview(client=client, year=year, quarter=quarter))
        return render(request, template, _review_context(client, year, quarter, review, form, request.user))
    _writable(request.user, client)
    form = ReviewForm(request.POST, instance=review or QuarterlyReview(client=client, year=year, quarter=quarter))
    if review is not None and review.status == QuarterlyReview.Status.SUBMITTED:
        message = _("This review was submitted and is read-only.")
        context = _review_context(
            client, year, quarter, review, ReviewForm(instance=review), request.user, refused=message
        )
        return render(request, f"{template}#review-form" if wants_partial(request) else template, context, status=409)
    submit = request.POST.get("action") == "submit"
    status = submit_form(
        request,
        form,
        lambda d: services.quarterly_review_save(
            client=client, year=year, quarter=quarter, answers=form.answers, submit=submit, by=request.user
        ),
    )
    review = QuarterlyReview.objects.filter(client=client, year=year, quarter=quarter).first()
    if status == 200:
        form = ReviewForm(instance=review)
    saved = (_("Review submitted.") if submit else _("Draft saved.")) if status == 200 else ""
    context = _review_context(client, year, quarter, review, form, request.user, saved=saved)
    if not wants_partial(request) and status == 200:
        return redirect(request.path)
    return render(request, f"{template}#review-form" if wants_partial(request) else template, context, status=status)


@require_GET
def reviews_segment(request: HttpRequest) -> HttpResponse:
    """One quarter's reviews compared across clients (scoped), with a CSV export."""
    this_year, this_quarter = quarter_of(today())
    try:
        year = int(request.GET.get("year") or this_year)
        quarter = int(request.GET.get("quarter") or this_quarter)
    except ValueError:
        return _bad_request(_("Year and quarter must be whole numbers."))
    if not (1 <= quarter <= 4 and 2000 <= year <= 2100):
        return _bad_request(_("Choose a quarter from 1 to 4 and a year from 2000 to 2100."))
    status = request.GET.get("status") or None
    if status not in (None, *ws.REVIEW_STATUSES):
        return _bad_request(_("Status is one of: missing, draft, submitted."))
    clients = ws.review_clients(request.user, year, quarter, status)
    if request.GET.get("format") == "csv":
        return _reviews_csv(clients, year, quarter)
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    page.rows = ws.review_rows(page.object_list, year, quarter)
    prev_year, prev_quarter = previous_quarter(year, quarter)
    next_year, next_quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return render(
        request,
        "clients/reviews.html",
        {
            "page": page,
            "year": year,
            "quarter": quarter,
            "status": status or "",
            "counts": ws.review_status_counts(Client.objects.visible_to(request.user), (year, quarter))[0],
            "label": quarter_label(year, quarter),
            "previous": {"year": prev_year, "quarter": prev_quarter, "label": quarter_label(prev_year, prev_quarter)},
            "next": {"year": next_year, "quarter": next_quarter, "label": quarter_label(next_year, next_quarter)},
        },
    )


def _reviews_csv(clients, year: int, quarter: int) -> HttpResponse:
    """Every client that owes the quarter's review, its answers where there is one."""
    fields = [QuarterlyReview._meta.get_field(name) for name in QuarterlyReview.field_names()]
    header = [_("client"), _("account manager"), _("status"), _("submitted at"), *(f.verbose_name for f in fields)]

    def answer(review, field):
        return review._get_FIELD_display(field) if field.choices else getattr(review, field.name)

    def rows():
        for start in range(0, clients.count(), 500):
            for row in ws.review_rows(clients[start : start + 500], year, quarter):
                review = row.review
                status = review.get_status_display() if review else _("Missing")
                yield [row.client.name, row.client.account_manager, status, review and review.submitted_at] + [
                    answer(review, field) if review else "" for field in fields
                ]

    return csv_response(f"reviews-{year}-q{quarter}.csv", header, rows())
