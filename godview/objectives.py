"""Weekly goals against 90-day objectives, agency-wide (issue 20, item 1): objectives on pace,
behind, achieved and missed for the agency, a pod or an AM, and the rows behind each figure.

Which objectives count: those of the clients in scope (active or not) that have started by the
day, and whose due date is on or after the period's first day: every objective still open, and
every one that closed within the period. Each is in one state on the day (clients.scoring
`objective_state`); the headline is on pace ÷ (on pace + behind), the open objectives.

One grouped query whatever the scope: the database judges each objective's state (`judged`), the
behind-pace threshold riding along as a subquery.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, Objective, WarningRule
from clients.scoring import ACHIEVED, BEHIND, BEHIND_PACE_POINTS, MISSED, ON_PACE, objective_state
from godview import metrics
from godview.definitions import BY_KEY
from godview.forms import Filters
from godview.selectors import Kpi, scoped_clients

DEFINITION = BY_KEY["objectives"].text  # the glossary's words (godview/definitions.py)
STATE_LABELS = {ON_PACE: _("On pace"), BEHIND: _("Behind"), ACHIEVED: _("Achieved"), MISSED: _("Missed")}


@dataclass
class ObjectiveCounts:
    on_pace: int = 0
    behind: int = 0
    achieved: int = 0
    missed: int = 0
    person: User | None = None  # per AM: who

    @property
    def open(self) -> int:
        return self.on_pace + self.behind

    @property
    def total(self) -> int:
        return self.open + self.achieved + self.missed

    @property
    def rate(self) -> float | None:
        return metrics.ratio(self.on_pace, self.open)

    def add(self, state: str, n: int = 1) -> None:
        setattr(self, state, getattr(self, state) + n)


def points_subquery() -> Subquery:
    rule = WarningRule.objects.filter(code=WarningRule.Code.OBJECTIVE_BEHIND).values("threshold")[:1]
    return Subquery(rule)


# --- the same judgement in SQL: the database counts and picks the objectives (here and on /next-week/),
# and Python judges only the rows shown. Each expression mirrors clients.scoring step by step in
# float8, as Python computes it in float: the same comparison.


class _Days(Func):
    """Whole days from the second date to the first (Postgres: date − date is an integer; SQLite,
    the demo's database, keeps dates as text: the difference of their Julian days)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(", **extra,
        )  # fmt: skip


def elapsed(on: dt.date) -> Case:
    """scoring.objective_pace's `elapsed` on `on`: min(100, max(0, days gone ÷ days × 100))."""
    days = _Days(F("due_date"), F("start_date"))
    gone = _Days(Value(on, output_field=DateField()), F("start_date"))
    share = Cast(gone, FloatField()) / Cast(days, FloatField()) * Value(100.0)
    return Case(
        When(Q(due_date__gt=F("start_date")), then=Least(Value(100.0), Greatest(Value(0.0), share))),
        default=Value(100.0),
        output_field=FloatField(),
    )


class _Exact(Func):
    """A value in numeric far past float precision (SQLite, which would divide integers whole: a
    float)."""

    template = "CAST(%(expressions)s AS numeric(60, 40))"
    output_field = DecimalField(max_digits=60, decimal_places=40)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra)


def progress() -> Case:
    """scoring.objective_pace's `progress`: (current − baseline) ÷ (target − baseline) × 100, worked
    out in numeric far past float precision (Python: 28 digits), then made a float."""
    moved = _Exact(F("current_value") - F("baseline"))
    exact = moved / (F("target") - F("baseline")) * Value(100, output_field=IntegerField())
    return Case(
        When(~Q(target=F("baseline")), then=Cast(exact, FloatField())), default=Value(100.0), output_field=FloatField()
    )


def not_reached() -> Q:
    """Not scoring.target_reached, in the objective's own direction."""
    return Q(target__gt=F("baseline"), current_value__lt=F("target")) | Q(
        target__lte=F("baseline"), current_value__gt=F("target")
    )


def counted(clients: QuerySet[Client], start: dt.date, on: dt.date) -> QuerySet[Objective]:
    """The objectives that count on `on` for a period starting `start`."""
    return Objective.objects.filter(client__in=clients, start_date__lte=on, due_date__gte=start)


def judged(clients: QuerySet[Client], start: dt.date, on: dt.date) -> QuerySet[Objective]:
    """`counted`, each with its `state` on `on` (clients.scoring.objective_state), worked out by the
    database: at 10,000 clients the 20,000 objectives judged one by one in Python took 200 ms."""
    pace_points = Coalesce(Cast(points_subquery(), FloatField()), Value(float(BEHIND_PACE_POINTS)))
    return (
        counted(clients, start, on)
        .alias(pace_points=pace_points, lag=elapsed(on) - progress())
        .annotate(
            state=Case(
                When(Q(status=ACHIEVED) | ~not_reached(), then=Value(ACHIEVED)),
                When(Q(status=MISSED) | Q(due_date__lt=on), then=Value(MISSED)),
                When(lag__gt=F("pace_points"), then=Value(BEHIND)),
                default=Value(ON_PACE),
                output_field=CharField(),
            )
        )
    )


def state_of(row: dict, on: dt.date) -> str:
    points = row.get("points")
    return objective_state(
        status=row["status"],
        baseline=row["baseline"],
        target=row["target"],
        current=row["current_value"],
        start=row["start_date"],
        due=row["due_date"],
        on=on,
        points=BEHIND_PACE_POINTS if points is None else float(points),
    )


def objective_counts(
    clients: QuerySet[Client], start: dt.date, on: dt.date, by: str | None = None
) -> dict[object, ObjectiveCounts]:
    """State counts, all together (key None) or per `by`: "pod" or "am" (one grouped query)."""
    path = {"pod": "client__account_manager__pod_id", "am": "client__account_manager_id"}.get(by or "")
    names = PERSON_COLUMNS if by == "am" else ()
    rows = judged(clients, start, on).values(*([path] if path else []), *names, "state").annotate(n=Count("pk"))
    result: dict[object, ObjectiveCounts] = {}
    for row in rows.order_by():
        key = row[path] if path else None
        if key not in result:
            result[key] = ObjectiveCounts(person=person_of(row) if names and key else None)
        result[key].add(row["state"], row["n"])
    return result


PERSON_COLUMNS = ("client__account_manager__first_name", "client__account_manager__last_name",
                  "client__account_manager__username")  # fmt: skip


def person_of(row: dict) -> User:
    """The AM, named from the row (no query): enough for their name and their page's link."""
    first, last, username = (row[c] for c in PERSON_COLUMNS)
    return User(pk=row["client__account_manager_id"], first_name=first, last_name=last, username=username)


def counts_for(clients: QuerySet[Client], start: dt.date, on: dt.date) -> ObjectiveCounts:
    return objective_counts(clients, start, on).get(None, ObjectiveCounts())


def with_objective_kpi(kpis: list[Kpi], user: User, filters: Filters, lazy: bool = False) -> list[Kpi]:
    """The strip with the objectives tile beside the goal figures (after the goals-tied tile).
    `lazy`: a placeholder the page loads with htmx (`objective_tile`), keeping the page's queries
    within its budget."""
    if lazy:
        tile = Kpi("objectives", "Objectives on pace", None, "percent", lazy=True)
    else:
        tile = objective_kpi(scoped_clients(user, filters), filters, reverse("objective_list") + filters.querystring())
    keys = [k.key for k in kpis]
    at = keys.index("goals_tied") + 1 if "goals_tied" in keys else len(kpis)
    return [*kpis[:at], tile, *kpis[at:]]


def total(counts: dict[object, ObjectiveCounts]) -> ObjectiveCounts:
    """The sum of per-pod or per-AM counts (each objective is in exactly one of them)."""
    result = ObjectiveCounts()
    for part in counts.values():
        for state in (ON_PACE, BEHIND, ACHIEVED, MISSED):
            result.add(state, getattr(part, state))
    return result


def page_context(clients: QuerySet[Client], filters: Filters, by: str | None, query: str, goals: dict) -> dict:
    """The pod page's (by AM) or person page's objectives figures, for _objective_kpis.html (one query)."""
    counts = objective_counts(clients, filters.start, filters.today, by)
    people = (
        sorted(((c.person, c) for c in counts.values()), key=lambda item: str(item[0] or "~")) if by == "am" else []
    )
    return {
        "objective_counts": total(counts),
        "objective_people": people,
        "objective_query": query,
        "objective_definition": DEFINITION,
        "tied_rate": metrics.ratio(goals.get("tied", 0), goals.get("due", 0)),
    }


def objective_kpi(clients: QuerySet[Client], filters: Filters, link: str) -> Kpi:
    """The God-view tile, with the four counts in its note."""
    counts = counts_for(clients, filters.start, filters.today)
    note = f"{counts.on_pace}/{counts.open}"
    return Kpi("objectives", "Objectives on pace", counts.rate, "percent", None, link,
               note=note, definition=str(DEFINITION), parts=parts_text(counts))  # fmt: skip


def parts_text(counts: ObjectiveCounts) -> str:
    return str(
        _("%(behind)s behind · %(achieved)s achieved · %(missed)s missed")
        % {"behind": counts.behind, "achieved": counts.achieved, "missed": counts.missed}
    )


@dataclass
class ObjectiveRow:
    objective: Objective
    state: str
    progress: float
    elapsed: float

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def objective_rows(objectives: list[Objective], on: dt.date) -> list[ObjectiveRow]:
    rows = []
    for o in objectives:
        points = BEHIND_PACE_POINTS if o.points is None else float(o.points)
        pace = o.pace(on, points)
        state = state_of(
            {f: getattr(o, f) for f in ("status", "baseline", "target", "current_value", "start_date", "due_date")}
            | {"points": points},
            on,
        )
        rows.append(ObjectiveRow(o, state, pace.progress, pace.elapsed))
    return rows


def filter_by_state(clients: QuerySet[Client], state: str, start: dt.date, on: dt.date) -> QuerySet[Objective]:
    """The counted objectives, only those in `state` when one is given (judged by the database)."""
    objectives = judged(clients, start, on)
    return objectives.filter(state=state) if state else objectives
