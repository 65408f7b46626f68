"""The voice of the client: the month's top client problems and the rows behind each.

A **problem** is one of the risk reasons' codes. Over the 30 days ending on a day, each of these
rows is one mention of its problem:
- a risk assessment scored 1–3, once for every reason it names (a 4, the lowest risk, names no
  problem even when a reason was ticked);
- a negative-sentiment contact, by the problem it raised ("other" when none was picked);
- an NPS detractor response (0–6) with a comment, by the problem of the comment ("other" when
  none was picked).
A problem's count is its mentions; its clients are the distinct clients behind them. The top
five are ordered by count, then clients, then the problem's name.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from clients.models import Client, Contact, NPSResponse, RiskAssessment, RiskReason
from core.weeks import agency_tz, days_bounds

VOICE_WINDOW_DAYS = 30
TOP = 5
SOURCES = ("risk", "contact", "nps")
PROBLEM_RISK_SCORE = 3  # assessments at this risk score or worse name problems


@dataclass
class Problem:
    code: str
    label: str
    mentions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    client_ids: set[int] = field(default_factory=set)
    clients: list[Client] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.mentions.values())


@dataclass(frozen=True)
class Mention:
    on: dt.date
    source: str  # risk, contact or nps
    problem: str
    client: Client
    text: str
    pk: int


def window(on: dt.date) -> tuple[dt.date, dt.date]:
    return on - dt.timedelta(days=VOICE_WINDOW_DAYS - 1), on


def _risk_rows(clients: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    start, end = days_bounds(first, last)
    return RiskAssessment.objects.filter(
        client__in=clients, assessed_at__gte=start, assessed_at__lt=end, score__lte=PROBLEM_RISK_SCORE
    )


def _contact_rows(clients: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    return Contact.objects.filter(
        client__in=clients, contacted_on__range=(first, last), sentiment=Contact.Sentiment.NEGATIVE
    )


def _nps_rows(clients: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    return NPSResponse.objects.filter(client__in=clients, responded_on__range=(first, last), score__lte=6).exclude(
        comment=""
    )


def _mentions(clients: QuerySet, on: dt.date):
    """(source, problem, client id) for every mention in the window (three queries)."""
    first, last = window(on)
    for client_id, reasons in _risk_rows(clients, first, last).values_list("client_id", "reasons"):
        for reason in dict.fromkeys(reasons or ()):
            yield "risk", reason, client_id
    for client_id, problem in _contact_rows(clients, first, last).values_list("client_id", "problem"):
        yield "contact", problem or RiskReason.OTHER, client_id
    for client_id, problem in _nps_rows(clients, first, last).values_list("client_id", "problem"):
        yield "nps", problem or RiskReason.OTHER, client_id


def top_problems(clients: QuerySet, on: dt.date, limit: int = TOP) -> list[Problem]:
    """The `limit` most mentioned problems among `clients` (already scoped), with their clients
    (four queries: the three sources and the clients of the problems shown)."""
    labels = dict(RiskReason.choices)
    problems: dict[str, Problem] = {}
    for source, code, client_id in _mentions(clients, on):
        if code not in labels:
            continue
        problem = problems.setdefault(code, Problem(code, str(labels[code])))
        problem.mentions[source] += 1
        problem.client_ids.add(client_id)
    top = sorted(problems.values(), key=lambda p: (-p.count, -len(p.client_ids), p.label))[:limit]
    ids = set().union(*(p.client_ids for p in top)) if top else set()
    names = {c.pk: c for c in Client.objects.filter(pk__in=ids).only("pk", "name").order_by("name")} if ids else {}
    for problem in top:
        problem.clients = sorted((names[pk] for pk in problem.client_ids if pk in names), key=lambda c: c.name)
    return top


def problem_rows(clients: QuerySet, on: dt.date, problem: str, source: str = "") -> list[Mention]:
    """Every mention of `problem` in the window, newest first (three queries at most)."""
    first, last = window(on)
    rows: list[Mention] = []
    if source in ("", "risk"):
        # The code in quotes, within the list's JSON text: an element, on SQLite (the demo's
        # database, no JSON containment) as on Postgres. At 10,000 clients, loading the month's
        # 7,500 assessments to test their reasons in Python took most of the screen's 500 ms.
        named = _risk_rows(clients, first, last).filter(reasons__icontains=f'"{problem}"')
        for r in named.select_related("client__account_manager"):
            if problem in (r.reasons or ()):  # the text matched; the list decides
                day = timezone.localtime(r.assessed_at, agency_tz()).date()
                rows.append(Mention(day, "risk", problem, r.client, r.note, r.pk))
    blank_is_other = problem == RiskReason.OTHER
    if source in ("", "contact"):
        contacts = _contact_rows(clients, first, last).select_related("client__account_manager")
        contacts = contacts.filter(problem__in=[problem, ""]) if blank_is_other else contacts.filter(problem=problem)
        rows += [Mention(c.contacted_on, "contact", problem, c.client, c.summary, c.pk) for c in contacts]
    if source in ("", "nps"):
        responses = _nps_rows(clients, first, last).select_related("client__account_manager")
        responses = responses.filter(problem__in=[problem, ""]) if blank_is_other else responses.filter(problem=problem)
        rows += [Mention(n.responded_on, "nps", problem, n.client, n.comment, n.pk) for n in responses]
    return sorted(rows, key=lambda m: (m.on, m.source, m.pk), reverse=True)
