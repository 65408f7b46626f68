"""God-view screens: the dashboard and its lazy widgets, drill-downs, client and goal lists,
the review queue and the growth review. Views parse input, call selectors, render.

Everything starts from `visible_to(request.user)`; out of scope is 404 for pages, partials and
exports alike.
"""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role, User
from accounts.permissions import can_write_client_work, people_scope, visible_pods
from clients.models import GOAL_HIT, Client, WarningRule, WeeklyGoal
from clients.selectors import clients_with_signals
from core import params
from core.csv_export import csv_response
from core.htmx import template_for, wants_partial
from core.models import AuditEntry
from core.numbers import half_up, whole
from core.params import BadParameter
from core.sorting import kept, ordering
from core.weeks import days_bounds, today, week_start
from godview import charts, goal_figures, performance, selectors, targets, warning_groups
from godview import objectives as objective_figures
from godview.client_health import health_for
from godview.definitions import BY_KEY
from godview.forms import Filters, parse_filters
from godview.lab_selectors import before_churn
from godview.meetings import review_meeting
from godview.review import ReviewDecisionForm, queue_entries, queue_entry, review_decision_record, review_queue
from godview.win_loss import OwnerWinLoss, win_loss_by_owner
from tasks.goal_links import goal_task_states
from tasks.models import DueDateChange
from tasks.selectors import SLIP_DAYS, data_freshness, slips_by_client
from training import selectors as training_selectors

DASHBOARD = "godview/dashboard.html"
WIDGETS = ("warnings", "risk", "heatmap", "pods", "people", "performers", "freshness")


# --- helpers -------------------------------------------------------------------------------


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def filters_or_400(request: HttpRequest) -> tuple[object, Filters]:
    form, filters = parse_filters(request.GET, request.user)
    if filters is None:
        errors = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        raise BadFilter(errors)
    return form, filters


class BadFilter(Exception):
    pass


def bad_filter(view: Callable) -> Callable:
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadFilter as exc:
            # Plain text, escaped: form errors repeat the submitted value.
            message = _("Those filters are not valid: %(errors)s") % {"errors": exc}
            return HttpResponseBadRequest(escape(message), content_type="text/plain; charset=utf-8")

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def period_bounds(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    """The filters' period [start, end) as aware datetimes in the agency time zone."""
    return days_bounds(filters.start, filters.end - dt.timedelta(days=1))


def pct_cell(value) -> str:
    return "" if value is None else str(half_up(value * 100, 1))


# --- God-view ------------------------------------------------------------------------------


@require_GET
@bad_filter
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.user.is_finance:  # finance has no client workspace: its home is the revenue screen
        return redirect("revenue")
    form, filters = filters_or_400(request)
    clients_url = reverse("client_list")
    context = {
        "form": form,
        "filters": filters,
        "qs": filters.querystring(),
        "kpis": targets.with_targets(
            objective_figures.with_objective_kpi(
                selectors.kpi_strip(request.user, filters, clients_url), request.user, filters, lazy=True
            )
        ),
        "widgets": WIDGETS,
        "solo": request.user.role == Role.ACCOUNT_MANAGER,
        "definitions": BY_KEY,  # each tile's "how is this computed" (its title; /glossary/ in full)
        # A body swap also refreshes the period line in the header, out of band.
        "oob": wants_partial(request),
    }
    return render(request, template_for(request, DASHBOARD, frozenset({"dashboard-body"})), context)


def _warnings(request, filters, clients) -> dict:
    """Firings grouped per client, by priority, with each client's open actions."""
    groups, client_count, total = warning_groups.warning_groups(clients, limit=None if wants_csv(request) else 25)
    return {
        "groups": groups,
        "client_count": client_count,
        "total": total,
        "rules": dict(WarningRule.Code.choices),
        "today": today(),
    }


def _risk(request, filters, clients) -> dict:
    dist_fig, dist_table = charts.risk_distribution(selectors.risk_distribution(clients), filters.params())
    weeks = selectors.scoped_snapshot_weeks(request.user, filters)
    trend_fig, trend_table = charts.risk_trend(selectors.risk_trend(weeks, filters))
    return {"dist_fig": dist_fig, "dist_table": dist_table, "trend_fig": trend_fig, "trend_table": trend_table}


def _heatmap(request, filters, clients) -> dict:
    heat = goal_figures.goal_heatmap(goal_figures.scoped_goal_weeks(request.user, filters), filters)
    figure, table = charts.goal_heatmap(heat)
    return {"heat": heat, "heat_fig": figure, "heat_table": table}


def _board(by: str) -> Callable:
    def build(request, filters, clients) -> dict:
        weeks = goal_figures.scoped_goal_weeks(request.user, filters)
        snapshots = selectors.scoped_snapshot_weeks(request.user, filters)
        boards = selectors.leaderboard(clients, weeks, snapshots, filters, by, request.user)
        sort, boards = selectors.sort_boards(boards, request.GET)
        path = reverse("dashboard_widget", args=[by_name[by]])
        base = path + filters.querystring()
        return {
            # A leaderboard shows its first 25 for the chosen sort; the CSV has everyone.
            "boards": boards if wants_csv(request) else boards[:BOARD_ROWS],
            "total": len(boards),
            "sort": sort.current,
            "sort_descending": sort.descending,
            "widget_path": path,
            "sort_base": base,
            "sort_sep": "&" if "?" in base else "?",
            "widget_id": by_name[by],
            "by": by,
        }

    return build


by_name = {"pod": "pods", "am": "people"}
BOARD_ROWS = 25
PROFIT_WINDOW_DAYS = 30


def _performers(request, filters, clients) -> dict:
    snapshots = selectors.scoped_snapshot_weeks(request.user, filters)
    return {
        "performance": performance.top_performers(clients, filters.today, request.user, filters.params(), snapshots)
    }


STALE_SYNC = dt.timedelta(hours=36)


def _freshness(request, filters, clients) -> dict:
    sources = data_freshness()
    now = timezone.now()
    for source in sources:
        source.stale = source.last_success_at is None or now - source.last_success_at > STALE_SYNC
    return {"sources": sources}


WIDGET_BUILDERS = {
    "warnings": _warnings,
    "risk": _risk,
    "heatmap": _heatmap,
    "pods": _board("pod"),
    "people": _board("am"),
    "performers": _performers,
    "freshness": _freshness,
}


@require_GET
@bad_filter
def dashboard_widget(request: HttpRequest, name: str) -> HttpResponse:
    """One lazy widget of the God-view (the partial of the same name), or its CSV."""
    if name not in WIDGET_BUILDERS:
        raise Http404
    if name == "pods" and not (request.user.reads_everything or request.user.is_pod_lead):
        raise Http404
    _form, filters = filters_or_400(request)
    clients = selectors.scoped_clients(request.user, filters)
    context = {"filters": filters, "qs": filters.querystring()} | WIDGET_BUILDERS[name](request, filters, clients)
    if wants_csv(request):
        return widget_csv(name, context)
    return render(request, f"{DASHBOARD}#{name}", context)


def widget_csv(name: str, context: dict) -> HttpResponse:
    if name == "warnings":
        rows = [
            [
                g.client.name,
                str(g.client.account_manager or ""),
                context["rules"].get(w.rule, w.rule),
                w.text,
                w.fired_on,
                g.client.mrr,
                g.risk,
                g.priority,
                _("yes") if w.rule in g.acted_rules or w.done_since else _("no"),
            ]
            for g in context["groups"]
            for w in g.warnings
        ]
        header = [_("client"), _("account manager"), _("rule"), _("reason"), _("fired on"), _("mrr"),
                  _("risk score"), _("priority"), _("acted on")]  # fmt: skip
        return csv_response("early-warnings.csv", header, rows)
    if name in ("pods", "people"):
        header = [
            _("name"),
            _("clients"),
            _("mrr"),
            _("at-risk mrr"),
            _("goals hit"),
            _("goals due"),
            _("hit rate %"),
            _("tasks on time"),
            _("tasks due"),
            _("on-time %"),
            _("overdue"),
        ]
        rows = [
            [b.name, b.clients, b.mrr, b.at_risk_mrr, b.goals_hit, b.goals_due, pct_cell(b.hit_rate),
             b.tasks_on_time, b.tasks_due, pct_cell(b.on_time_rate), b.overdue]
            for b in context["boards"]
        ]  # fmt: skip
        return csv_response(f"{name}.csv", header, rows)
    if name == "performers":
        rows = [[g.label, g.top, g.rest, g.difference] for g in context["performance"]["gaps"]]
        return csv_response(
            "top-performers.csv", [_("behaviour"), _("top quartile"), _("the rest"), _("difference")], rows
        )
    if name == "heatmap":
        table = context["heat_table"]
        return csv_response("goal-heatmap.csv", table["columns"], table["rows"])
    if name == "risk":
        table = context["dist_table"]
        return csv_response("risk-distribution.csv", table["columns"], table["rows"])
    raise Http404


# --- client list ---------------------------------------------------------------------------


@require_GET
@bad_filter
def client_list(request: HttpRequest) -> HttpResponse:
    form, filters = filters_or_400(request)
    params.choice(request.GET, "warning", WarningRule.Code.values)  # a clear 400 for an unknown rule
    clients = selectors.client_list(request.user, filters, request.GET)
    if wants_csv(request):
        return csv_response(
            "clients.csv",
            [_("client"), _("tier"), _("account manager"), _("pod"), _("mrr"), _("risk score"), _("health signal"),
             _("last contact"), _("overdue tasks"), _("open warnings"), _("churned on")],
            (
                [c.name, c.tier.name, str(c.account_manager or ""),
                 c.account_manager.pod.name if c.account_manager and c.account_manager.pod else "",
                 c.mrr, c.current_risk_score or "", c.health or "", c.last_contact_on or "", c.overdue or 0,
                 c.open_warnings, c.churned_on or ""]
                for c in clients.iterator(chunk_size=500)
            ),
        )  # fmt: skip
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    extra = {k: v for k, v in request.GET.items() if k in {"risk", "stale", "overdue", "warning", "churned", "sort"}}
    base = filters.params() | extra
    context = {"form": form, "filters": filters, "page": page, "extra": extra, "base": base, "today": filters.today}
    sort = ordering(request.GET, selectors.CLIENT_COLUMNS, "name")
    context |= {"sort": sort.current, "sort_descending": sort.descending}
    return render(request, template_for(request, "godview/client_list.html", frozenset({"client-table"})), context)


GOAL_COLUMNS = {
    "week": ("-week_start", "client__name"),
    "client": ("client__name", "week_start"),
    "goal": ("title",),
    "owner": ("owner__first_name", "owner__last_name"),
    "status": ("status", "week_start"),
}


@require_GET
@bad_filter
def goal_list(request: HttpRequest) -> HttpResponse:
    """The goals behind the goal hit rate: deadlines in the period, cancelled excluded."""
    form, filters = filters_or_400(request)
    clients = selectors.scoped_clients(request.user, filters)
    week = params.day(request.GET, "week")  # a heatmap cell: that week's goals, whatever the period
    span = {"week_start": week - dt.timedelta(days=week.weekday())} if week else {
        "week_start__gte": filters.start, "week_start__lt": filters.end}  # fmt: skip
    sort = ordering(request.GET, GOAL_COLUMNS, "week")
    goals = (
        WeeklyGoal.objects.counted()
        .filter(client__in=clients, **span)
        .select_related("client", "owner")
        .order_by(*sort.order)
    )
    if request.GET.get("missed") == "1":
        # A miss: the deadline passed and the goal was not done by it (DESIGN "Weekly goal hit rate").
        goals = goals.filter(deadline__lt=timezone.now()).exclude(GOAL_HIT)
    if request.GET.get("disguised") == "1":  # cancelled, then created again within two weeks
        goals = goals.filter(recreated_as__isnull=False)
    if request.GET.get("tied") == "1":  # the goals tied to an objective (issue 20)
        goals = goals.filter(objective__isnull=False)
    if wants_csv(request):
        return csv_response(
            "weekly-goals.csv",
            [_("week"), _("client"), _("owner"), _("goal"), _("status"),
             _("deadline"), _("done at"), _("hit"), _("postponement in disguise")],
            ([g.week_start, g.client.name, str(g.owner), g.title, g.get_status_display(), g.deadline,
              g.done_at or "", g.hit, g.recreated_as_id is not None] for g in goals.iterator(chunk_size=500)),
        )  # fmt: skip
    page = Paginator(goals, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "now": timezone.now(),
        "missed": request.GET.get("missed") == "1",
        "disguised": request.GET.get("disguised") == "1",
        "tied": request.GET.get("tied") == "1",
        "sort": sort.current,
        "sort_descending": sort.descending,
    }
    shown = {key: "1" for key in ("missed", "disguised", "tied") if context[key]} | (
        {"week": week.isoformat()} if week else {}
    )
    context["week"] = week
    context["query"] = urlencode(filters.params() | shown | kept(request.GET))
    return render(request, template_for(request, "godview/goal_list.html", frozenset({"goal-table"})), context)


# --- drill-downs ---------------------------------------------------------------------------


# What each timeline entry is, in the reader's language (the kind itself is a CSS class).
TIMELINE_KINDS = {
    "contact": pgettext_lazy("timeline entry", "contact"),
    "risk": pgettext_lazy("timeline entry", "risk"),
    "nps": pgettext_lazy("timeline entry", "NPS"),
    "review": pgettext_lazy("timeline entry", "review"),
    "tactic": pgettext_lazy("timeline entry", "tactic"),
    "experiment": pgettext_lazy("timeline entry", "experiment"),
    "meeting": pgettext_lazy("timeline entry", "meeting"),
    "revenue": pgettext_lazy("timeline entry", "revenue"),
}


def _timeline(client: Client) -> list[dict]:
    items = []
    for c in client.contacts.select_related("logged_by")[:100]:
        items.append(
            {
                "on": c.contacted_on,
                "kind": "contact",
                "anchor": "contacts",
                "title": f"{c.get_channel_display()} · {c.who}",
                "body": c.summary,
                "badge": c.get_sentiment_display(),
                "tone": {"positive": "good", "negative": "bad"}.get(c.sentiment, ""),
            }
        )
    for r in client.risk_assessments.all()[:50]:
        items.append(
            {
                "on": r.assessed_at.date(),
                "kind": "risk",
                "anchor": "risk",
                "title": _("Risk assessed: %(score)s · %(label)s") % {"score": r.score, "label": r.score_label},
                "body": r.note,
                "risk": r.score,
            }
        )
    for n in client.nps_responses.all()[:50]:
        items.append(
            {
                "on": n.responded_on,
                "kind": "nps",
                "anchor": "nps",
                "title": _("NPS %(score)s (%(cat)s)") % {"score": n.score, "cat": n.category},
                "body": n.comment,
                "tone": {"detractor": "bad", "promoter": "good"}.get(n.category, ""),
            }
        )
    for q in client.quarterly_reviews.all()[:12]:
        items.append(
            {
                "on": (q.submitted_at.date() if q.submitted_at else dt.date(q.year, 3 * q.quarter - 2, 1)),
                "kind": "review",
                "anchor": "reviews",
                "title": _("Quarterly review %(y)s Q%(q)s (%(s)s)")
                % {"y": q.year, "q": q.quarter, "s": q.get_status_display()},
                "body": q.action_plan,
            }
        )
    for t in client.tactics.all()[:50]:
        items.append(
            {
                "on": t.started_on,
                "kind": "tactic",
                "anchor": "tactics",
                "title": _("Tactic: %(t)s") % {"t": t.title},
                "badge": t.get_outcome_display(),
                "tone": {"win": "good", "loss": "bad"}.get(t.outcome, ""),
            }
        )
    for e in client.experiments.all()[:50]:
        counted = e.counted_outcome
        items.append(
            {
                "on": e.started_on,
                "kind": "experiment",
                "anchor": "tactics",
                "title": _("Experiment: %(t)s") % {"t": e.title},
                "badge": f"{e.get_outcome_display()}{f' · {e.confidence}%' if e.confidence is not None else ''}",
                "tone": {"win": "good", "loss": "bad"}.get(counted, ""),
            }
        )
    for m in client.meeting_notes.select_related("meeting__pod").prefetch_related("decisions")[:50]:
        items.append(
            {
                "on": m.meeting.held_on,
                "kind": "meeting",
                "anchor": "meetings",
                "title": _("%(kind)s: %(pod)s") % {"kind": m.meeting.get_kind_display(), "pod": m.meeting.pod.name},
                "body": m.note,
                "decisions": list(m.decisions.all()),
                "url": reverse("meeting_detail", args=[m.meeting_id]),
            }
        )
    for ev in client.revenue_events.all()[:50]:
        items.append(
            {
                "on": ev.occurred_on,
                "kind": "revenue",
                "anchor": "revenue",
                "title": f"{ev.get_kind_display()} {whole(ev.amount)}",
                "body": ev.note,
            }
        )
    items.sort(key=lambda i: i["on"], reverse=True)
    for item in items:
        item["kind_label"] = TIMELINE_KINDS.get(item["kind"], item["kind"])
    return items  # fmt: skip


@require_GET
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(
        clients_with_signals(Client.objects.visible_to(request.user)).select_related("account_manager__pod"), pk=pk
    )
    health = health_for(client)
    goals = list(
        client.weekly_goals.select_related(
            "owner",
            "postponement",
            "carried_over_from",
            "objective",
            "recreated_as",
            "created_by",
            "task_link__task__source",
        ).order_by("-week_start", "pk")[:40]
    )
    goal_task_states(goals, today())
    points = WarningRule.objects.filter(code=WarningRule.Code.OBJECTIVE_BEHIND).values("threshold")[:1]
    objectives = list(client.objectives.annotate(points=Subquery(points)).order_by("-due_date")[:20])
    on = today()
    for objective in objectives:
        objective.current_pace = objective.pace(on, objective.points)
    tasks = list(client.tasks.filter(deleted_at__isnull=True).select_related("assignee").order_by("-due_on")[:30])
    waits = list(client.waiting_periods.select_related("goal").order_by("-started_on", "-pk")[:20])
    changes = DueDateChange.objects.filter(task__client=client, task__deleted_at__isnull=True)
    slips = slips_by_client([client.pk], on - dt.timedelta(days=SLIP_DAYS - 1), on + dt.timedelta(days=1))
    for wait in waits:
        wait.days = wait.business_days(on)
    one = Client.objects.filter(pk=client.pk)
    # The last 30 days, today included, in the agency's time zone (as the card says).
    month_start, month_end = days_bounds(on - dt.timedelta(days=PROFIT_WINDOW_DAYS - 1), on)
    hours = selectors.hours_and_cost(one, month_start, month_end)[client.pk]
    risk_points = [(r.assessed_at.date(), r.score) for r in reversed(client.risk_assessments.all()[:60])]
    mrr_fig, mrr_table = charts.line(_("MRR history (month start)"), client.currency, selectors.mrr_history(client))
    risk_fig, risk_table = charts.risk_history(risk_points)
    context = {
        "client": client,
        "health": health,
        "timeline": _timeline(client),
        "goals": goals,
        "objectives": objectives,
        "tasks": tasks,
        "waits": waits,
        "due_date_changes": list(changes.select_related("task").order_by("-seen_at", "-pk")[:20]),
        "slipped_tasks": slips[client.pk].tasks if client.pk in slips else 0,
        "hours_by_person": selectors.hours_by_person_and_client(Q(client=client), month_start, month_end),
        "warnings": client.early_warnings.filter(resolved_on__isnull=True),
        "win_loss": selectors.win_loss(one),
        "hours": hours,
        # Σ hours × each logger's rate is already summed as cost: one (hours, average rate) pair.
        "profit": selectors.metrics.profitability(
            client.mrr, [(hours["hours"], hours["cost"] / hours["hours"])] if hours["hours"] else []
        ),
        "effective_rate": selectors.metrics.effective_hourly_rate(client.mrr, hours["hours"]),
        "mrr_fig": mrr_fig, "mrr_table": mrr_table, "risk_fig": risk_fig, "risk_table": risk_table,
        "can_write": can_write_client_work(request.user, client),
        "today": on,
        "rules": dict(WarningRule.Code.choices),
        "before_churn": before_churn(client),  # the health lab's view of this churn (a query if churned)
    }  # fmt: skip
    return render(request, "godview/client_detail.html", context)


@require_GET
@bad_filter
def pod_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pod = get_object_or_404(visible_pods(request.user).select_related("lead"), pk=pk)
    _form, base = filters_or_400(request)
    filters = Filters(period=base.period, pod=pod.pk, tier=base.tier)
    clients = selectors.scoped_clients(request.user, filters)
    members = list(User.objects.filter(pod=pod, is_active=True).order_by("role", "first_name"))
    weeks = goal_figures.scoped_goal_weeks(request.user, filters)
    snapshots = selectors.scoped_snapshot_weeks(request.user, filters)
    _sort, boards = selectors.sort_boards(selectors.leaderboard(clients, weeks, snapshots, filters, "am"), {})
    goals = goal_figures.goal_hits(weeks, filters)
    heat = goal_figures.goal_heatmap(weeks, filters, by="am")
    heat_fig, heat_table = charts.goal_heatmap(heat, _("Weekly goal hit rate by account manager (%)"))
    context = {
        "pod": pod,
        "filters": filters,
        "hours": selectors.hours_by_person_and_client(
            Q(user__pod=pod, client__in=Client.objects.visible_to(request.user)), *period_bounds(filters)
        ),
        "members": members,
        "boards": boards,
        "hit": selectors.metrics.goal_hit_rate(goals["hit"], goals["due"]),
        "goals": goals,
        "win_loss": selectors.win_loss(clients),
        "member_win_loss": win_loss_by_owner(Q(owner__in=members), Client.objects.visible_to(request.user)),
        "cycle_time": selectors.cycle_time(clients, filters),
        "clv": selectors.clv_for(clients, filters.today),
        "workload": selectors.workload(members, clients, filters),
        "span": len([m for m in members if m.pk != pod.lead_id]),
        "span_flag": selectors.metrics.span_of_control_flag(
            len([m for m in members if m.pk != pod.lead_id]), specialised=pod.specialised
        ),
        "span_limit": selectors.metrics.span_of_control_limit(specialised=pod.specialised),
        "warnings": selectors.open_warnings(clients, limit=15),
        "heat_fig": heat_fig,
        "heat_table": heat_table,
        "qs": filters.querystring(pod=None),
        "channel": pod.webhook_url_masked,
        **objective_figures.page_context(clients, filters, "am", f"pod={pod.pk}", goals),
    }
    return render(request, "godview/pod_detail.html", context)


@require_GET
@bad_filter
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.filter(people_scope(request.user)).select_related("pod"), pk=pk)
    _form, base = filters_or_400(request)
    filters = Filters(period=base.period, am=person.pk)
    clients = selectors.scoped_clients(request.user, filters)
    client_rows = list(selectors.client_list(request.user, filters, {}).filter(account_manager=person)[:100])
    goals = goal_figures.goal_hits(goal_figures.scoped_goal_weeks(request.user, filters), filters)
    reports = person.led_pods.first()
    span = User.objects.filter(pod=reports).exclude(pk=person.pk).count() if reports else None
    context = {
        "person": person,
        "filters": filters,
        "hours": selectors.hours_by_person_and_client(
            Q(user=person, client__in=Client.objects.visible_to(request.user)), *period_bounds(filters)
        ),
        "clients": client_rows,
        "hit": selectors.metrics.goal_hit_rate(goals["hit"], goals["due"]),
        "goals": goals,
        "workload": selectors.workload([person], clients, filters)[person.pk],
        # By owner: a designer's A/B tests are theirs (by the client's AM they read 0W/0L).
        "win_loss": win_loss_by_owner(Q(owner=person), Client.objects.visible_to(request.user)).get(
            person.pk, OwnerWinLoss(person.pk)
        ),
        "client_win_loss": selectors.win_loss(clients) if client_rows else None,
        "cycle_time": selectors.cycle_time(clients, filters),
        "training": training_selectors.person_training(request.user, person),  # the Training page's row
        "coaching": performance.coaching_list(person, filters.today),
        "span": span,
        "span_flag": (
            selectors.metrics.span_of_control_flag(span, specialised=reports.specialised) if reports else False
        ),
        "span_limit": selectors.metrics.span_of_control_limit(specialised=reports.specialised) if reports else None,
        "led_pod": reports,
        **objective_figures.page_context(clients, filters, None, f"am={person.pk}", goals),
    }
    return render(request, "godview/person_detail.html", context)


# --- review queue ---------------------------------------------------------------------------


REVIEW_PAGE_SIZE = 50  # entries per page: one form each, so the page stays light at any agency size


@require_GET
def review_queue_view(request: HttpRequest) -> HttpResponse:
    if not (request.user.sees_everything or request.user.is_pod_lead):
        raise Http404
    queue = review_queue(Client.objects.visible_to(request.user))
    if wants_csv(request):
        return csv_response(
            "review-queue.csv",
            [_("client"), _("account manager"), _("risk score"), _("health signal"), _("as of")],
            (
                [e.client.name, str(e.client.account_manager or ""), e.risk_score, e.health_score, e.as_of]
                for e in queue_entries(queue)  # all of them, read here rather than while the response streams
            ),
        )
    page = Paginator(queue, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))  # a COUNT, then the page
    return render(
        request,
        "godview/review_queue.html",
        {
            "entries": queue_entries(page.object_list),
            "page": page,
            "can_decide": request.user.sees_everything,
            "form": ReviewDecisionForm(),
        },
    )


@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.sees_everything:
        raise Http404
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    entry = queue_entry(client)
    if entry is None:
        raise Http404
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        review_decision_record(entry=entry, decided_by=request.user, **form.cleaned_data)
        if wants_partial(request):
            return render(request, "godview/review_queue.html#decided", {"entry": entry, "decision": form.cleaned_data})
        messages.success(request, _("Decision recorded for %(client)s.") % {"client": client.name})
        return redirect("review_queue")
    status = 422
    if wants_partial(request):
        return render(
            request,
            "godview/review_queue.html#entry",
            {"entry": entry, "form": form, "can_decide": True},
            status=status,
        )
    return render(
        request, "godview/review_queue.html", {"entries": [entry], "form": form, "can_decide": True}, status=status
    )


# --- growth review ---------------------------------------------------------------------------


@require_GET
def growth_review(request: HttpRequest) -> HttpResponse:
    pods = list(visible_pods(request.user))
    if not pods:
        raise Http404
    pod_id = request.GET.get("pod")
    if not pod_id:
        return render(request, "godview/growth_review.html", {"pods": pods, "pod": None})
    try:
        pod = next(p for p in pods if p.pk == int(pod_id))
    except (StopIteration, ValueError):
        raise Http404 from None
    clients = list(
        Client.objects.visible_to(request.user)
        .filter(account_manager__pod=pod, churned_on__isnull=True)
        .select_related("account_manager", "tier")
        .order_by("name")
    )
    if not clients:
        context = {"pods": pods, "pod": pod, "client": None} | review_meeting(request, pod, None)
        return render(request, "godview/growth_review.html", context)
    try:
        index = max(0, min(len(clients) - 1, int(request.GET.get("i", 0))))
    except ValueError:
        index = 0
    client = clients[index]
    monday = week_start(today())
    fortnight = [monday - dt.timedelta(weeks=1), monday]
    on = today()
    objectives = list(client.objectives.filter(status__in=["on_track", "behind"]).order_by("due_date"))
    for objective in objectives:
        objective.current_pace = objective.pace(on)
    one = Client.objects.filter(pk=client.pk)
    context = {
        "pods": pods,
        "pod": pod,
        "client": client,
        "index": index,
        "count": len(clients),
        "previous": index - 1 if index > 0 else None,
        "next": index + 1 if index + 1 < len(clients) else None,
        "objectives": objectives,
        "goals": client.weekly_goals.filter(week_start__in=fortnight)
        .select_related("owner", "postponement")
        .order_by("week_start", "pk"),
        "win_loss": selectors.win_loss(one),
        "tactics": client.tactics.order_by("-started_on")[:10],
        "experiments": client.experiments.order_by("-started_on")[:10],
        "warnings": client.early_warnings.filter(resolved_on__isnull=True),
        "risk": client.risk_assessments.first(),
        "now": timezone.now(),
        "rules": dict(WarningRule.Code.choices),
    } | review_meeting(request, pod, client)  # fmt: skip
    return render(request, "godview/growth_review.html", context)


# --- site frame errors ---------------------------------------------------------------------


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A query the page cannot use: our own BadParameter says why; anything else stays generic."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "errors/400.html", {"message": message}, status=400)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "errors/404.html", status=404)
    response.product_page = True  # godview.error_pages: not to be replaced in development
    return response


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: no context processor, session or user lookup, so the page
    still shows when the database is what failed."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


@require_GET
def client_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's audit trail, for leadership: who changed what, when, before and after."""
    if not request.user.sees_everything:
        raise Http404
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    entries = AuditEntry.objects.for_client(client.pk).select_related("user")
    if wants_csv(request):
        rows = (
            [e.at.isoformat(), e.user or "", e.get_action_display(), e.model, e.object_repr, e.changes] for e in entries
        )
        header = [_("When"), _("Who"), _("Action"), _("Record type"), _("Record"), _("Changes")]
        return csv_response(f"client-{client.pk}-history.csv", header, rows)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    return render(request, "godview/_client_history.html", {"client": client, "page": page})
