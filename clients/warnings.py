"""Early-warning rules of DESIGN, pure: inputs about one client in, firings with reasons out.

Thresholds come from `WarningRule` rows (admin edits them; migration 0002 seeds the defaults).
The rollup gathers `WarningInputs` for every client in a fixed number of queries, calls
`evaluate`, and keeps one open `EarlyWarning` per client and rule. Each firing names the anchor of
the client page section that holds the rows behind it.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from clients.scoring import Pace
from core.numbers import half_up
from core.sayings import Saying, day, said, said_in_english, say, say_plural

RISK_WORDS = {1: "Critical", 2: "High", 3: "Moderate", 4: "Low"}
OVERDUE_DAYS = 7


def _n(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 60.00 → "60", 1.50 → "1.5"."""
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Rule:
    code: str
    threshold: Decimal
    enabled: bool = True


@dataclass(frozen=True)
class WeekHits:
    monday: dt.date
    hit: int
    due: int

    @property
    def rate(self) -> float | None:
        return self.hit / self.due if self.due else None


@dataclass(frozen=True)
class WarningInputs:
    on: dt.date
    tier_name: str
    stale_after_days: int
    risk_score: int | None
    risk_assessed_on: dt.date | None
    days_since_contact: int | None
    last_two_weeks: tuple[WeekHits, ...]  # the latest complete week first
    objectives: tuple[tuple[str, Pace], ...]
    overdue_tasks: int
    max_days_overdue: int
    health_score: int | None
    detractors: tuple[tuple[int, dt.date], ...]  # detractor responses (score 0–6, date) of the last year
    waits: tuple  # clients.selectors.Wait: open now or ended in the last week
    agreed_response_days: int
    agreement_signed_on: dt.date | None
    hours_last_30_days: Decimal
    monthly_hours_budget: Decimal | None
    mrr: Decimal
    effective_rate_floor: Decimal
    slipped_tasks: int = 0  # tasks whose due date moved later in the last 28 days
    # Issue 20: the week the no-objective-goal rule judges (None: not gathered, the rule stays
    # quiet), its goals (open or done) tied to an objective open on the day, and the open objectives.
    judged_week: dt.date | None = None
    tied_goals: int = 0
    open_objectives: int = 0
    renewal: tuple[dt.date, int] | None = None  # the next open contract's renewal date and notice days
    objective_points: float = 25.0
    # The tier's service format: a call or meeting every `cadence_days` (None: no cadence), with a
    # senior person present when the tier asks; the latest contact that qualifies, and the client's start.
    cadence_days: int | None = None
    cadence_needs_senior: bool = False
    last_cadence_contact_on: dt.date | None = None
    client_since: dt.date | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Firing:
    rule: str
    saying: Saying | list  # the reason, as data (core.sayings): said in each reader's language
    anchor: str  # the client page section holding the rows behind the warning

    @property
    def reason(self) -> str:
        """The reason in English, as stored beside its saying (and searched, and sent to webhooks)."""
        return said_in_english(self.saying)

    @property
    def text(self) -> str:
        """The reason in the active language."""
        return said(self.saying)


def _risk_score(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.risk_score is None or i.risk_score > rule.threshold:
        return None
    reason = say(
        "Risk score %(score)s (%(word)s), assessed %(date)s",
        score=i.risk_score,
        word=say(RISK_WORDS[i.risk_score]),
        date=day(i.risk_assessed_on),
    )
    return Firing(rule.code, reason, "risk")


def _stale_contact(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.days_since_contact is None:
        return Firing(rule.code, say("No contact logged yet"), "contacts")
    if i.days_since_contact <= i.stale_after_days:
        return None
    reason = say(
        "%(days)s days since the last contact (%(tier)s limit: %(limit)s)",
        days=i.days_since_contact,
        tier=say(i.tier_name),
        limit=i.stale_after_days,
    )
    return Firing(rule.code, reason, "contacts")


def _goal_hit_rate(i: WarningInputs, rule: Rule) -> Firing | None:
    weeks = i.last_two_weeks
    limit = float(rule.threshold) / 100
    if len(weeks) < 2 or any(w.rate is None or w.rate >= limit for w in weeks):
        return None
    last, before = weeks[0], weeks[1]
    reason = say(
        "Weekly goal hit rate under %(limit)s%% two weeks running: %(hit)s of %(due)s last week, "
        "%(hit2)s of %(due2)s the week before",
        limit=_n(rule.threshold),
        hit=last.hit,
        due=last.due,
        hit2=before.hit,
        due2=before.due,
    )
    return Firing(rule.code, reason, "goals")


def _objective_behind(i: WarningInputs, rule: Rule) -> Firing | None:
    points = float(rule.threshold)
    behind = [(title, pace) for title, pace in i.objectives if pace.elapsed - pace.progress > points]
    if not behind:
        return None
    title, pace = max(behind, key=lambda item: item[1].elapsed - item[1].progress)
    reason = [
        say(
            "“%(title)s” is behind pace: %(progress)s%% progress with %(elapsed)s%% of the time gone",
            title=title,
            progress=half_up(pace.progress),
            elapsed=half_up(pace.elapsed),
        )
    ]
    if len(behind) > 1:
        reason.append(say("(+%(n)s more)", n=len(behind) - 1))
    return Firing(rule.code, reason, "objectives")


def _overdue_tasks(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.overdue_tasks < rule.threshold and i.max_days_overdue <= OVERDUE_DAYS:
        return None
    if i.overdue_tasks == 0:
        return None
    reason = say(
        "%(count)s overdue tasks, the oldest %(days)s days late", count=i.overdue_tasks, days=i.max_days_overdue
    )
    return Firing(rule.code, reason, "tasks")


def _risk_not_reassessed(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.risk_assessed_on is None:
        return Firing(rule.code, say("Risk has never been assessed"), "risk")
    days = (i.on - i.risk_assessed_on).days
    if days < rule.threshold:
        return None
    return Firing(rule.code, say("Risk not reassessed for %(days)s days", days=days), "risk")


def _health_mismatch(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.health_score is None or i.risk_score is None or abs(i.health_score - i.risk_score) < rule.threshold:
        return None
    reason = say(
        "Health signal %(health)s but the AM's risk score is %(risk)s", health=i.health_score, risk=i.risk_score
    )
    return Firing(rule.code, reason, "health")


def _nps_detractor(i: WarningInputs, rule: Rule) -> Firing | None:
    """The worst detractor score within the window, with that response's own date (the latest if tied)."""
    recent = [(score, on) for score, on in i.detractors if (i.on - on).days <= rule.threshold]
    if not recent:
        return None
    score, on = min(recent, key=lambda response: (response[0], -response[1].toordinal()))
    return Firing(rule.code, say("NPS detractor: scored %(score)s on %(date)s", score=score, date=day(on)), "nps")


def _waiting_on_client(i: WarningInputs, rule: Rule) -> Firing | None:
    """A wait longer than the expectation agreement's response time (plus the rule's grace days)."""
    limit = i.agreed_response_days + int(rule.threshold)
    late = [wait for wait in i.waits if wait.business_days > limit]
    if not late:
        return None
    wait = max(late, key=lambda w: w.business_days)
    if i.agreement_signed_on:
        agreement = say(
            "the agreement of %(date)s says %(n)s", date=day(i.agreement_signed_on), n=i.agreed_response_days
        )
    else:
        agreement = say("no agreement signed; the default is %(n)s", n=i.agreed_response_days)
    reason = [
        say(
            "Waiting %(days)s business days for “%(what)s” (since %(since)s); %(agreement)s",
            days=wait.business_days,
            what=wait.waiting_for,
            since=day(wait.since),
            agreement=agreement,
        )
    ]
    if len(late) > 1:
        reason.append(say("(+%(n)s more)", n=len(late) - 1))
    return Firing(rule.code, reason, "waiting")


def _hours_over_budget(i: WarningInputs, rule: Rule) -> Firing | None:
    hours = i.hours_last_30_days
    budget = i.monthly_hours_budget
    if budget and hours > budget * rule.threshold:
        reason = say(
            "%(hours)s hours in 30 days against a budget of %(budget)s (over %(x)s×)",
            hours=_n(hours),
            budget=_n(budget),
            x=_n(rule.threshold),
        )
        return Firing(rule.code, reason, "hours")
    if hours and i.mrr / hours < i.effective_rate_floor:
        reason = say(
            "Effective rate %(rate)s per hour is below the floor of %(floor)s",
            rate=(i.mrr / hours).quantize(Decimal("1")),
            floor=_n(i.effective_rate_floor),
        )
        return Firing(rule.code, reason, "hours")
    return None


def _task_slips(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.slipped_tasks < rule.threshold:
        return None
    reason = say("%(n)s tasks slipped in four weeks: their due dates moved later at the source", n=i.slipped_tasks)
    return Firing(rule.code, reason, "slips")


def _renewal_due(i: WarningInputs, rule: Rule) -> Firing | None:
    """Renewal within the notice period plus the rule's days, and a risk score of 1–2."""
    if i.renewal is None or i.risk_score is None or i.risk_score > 2:
        return None
    renews_on, notice_days = i.renewal
    days = (renews_on - i.on).days
    if days > notice_days + int(rule.threshold):
        return None
    if days < 0:
        reason = say(
            "Renewal date %(date)s passed %(days)s days ago with no outcome recorded; risk score %(score)s",
            date=day(renews_on),
            days=-days,
            score=i.risk_score,
        )
    else:
        reason = say(
            "Renewal on %(date)s, in %(days)s days (notice period %(notice)s days), "
            "with risk score %(score)s (%(word)s)",
            date=day(renews_on),
            days=days,
            notice=notice_days,
            score=i.risk_score,
            word=say(RISK_WORDS[i.risk_score]),
        )
    return Firing(rule.code, reason, "contract-panel")


def _off_cadence(i: WarningInputs, rule: Rule) -> Firing | None:
    """A tier with a cadence whose client had no qualifying call or meeting within it (plus grace)."""
    if i.cadence_days is None:
        return None
    since = i.last_cadence_contact_on or i.client_since
    if since is None or (i.on - since).days <= i.cadence_days + int(rule.threshold):
        return None
    kind = say("call or meeting with a senior person") if i.cadence_needs_senior else say("call or meeting")
    values = {"kind": kind, "days": (i.on - since).days, "tier": say(i.tier_name), "n": i.cadence_days}
    if i.last_cadence_contact_on is None:
        reason = say("No %(kind)s yet in %(days)s days as a client (%(tier)s cadence: every %(n)s days)", **values)
    else:
        reason = say("%(days)s days since the last %(kind)s (%(tier)s cadence: every %(n)s days)", **values)
    return Firing(rule.code, reason, "service")


def judged_week(on: dt.date, from_weekday: Decimal | int) -> dt.date:
    """The week whose goals the no-objective-goal rule looks at on `on`: this week from its
    `from_weekday` (1 = Monday … 7 = Sunday; the AMs plan on Monday), the week before until then."""
    monday = on - dt.timedelta(days=on.weekday())
    return monday if on.isoweekday() >= int(from_weekday) else monday - dt.timedelta(weeks=1)


def _no_objective_goal(i: WarningInputs, rule: Rule) -> Firing | None:
    if i.judged_week is None or i.tied_goals > 0:
        return None
    week = day(i.judged_week)
    if i.open_objectives:
        reason = say_plural(
            "No goal of the week of %(week)s serves its open objective",
            "No goal of the week of %(week)s serves any of its %(n)s open objectives",
            "n",
            week=week,
            n=i.open_objectives,
        )
    else:
        reason = say("No open objective for the goals of the week of %(week)s to serve: set this quarter's", week=week)
    return Firing(rule.code, reason, "goals")


CHECKS = {
    "risk_score": _risk_score,
    "stale_contact": _stale_contact,
    "goal_hit_rate": _goal_hit_rate,
    "objective_behind": _objective_behind,
    "overdue_tasks": _overdue_tasks,
    "risk_not_reassessed": _risk_not_reassessed,
    "health_mismatch": _health_mismatch,
    "nps_detractor": _nps_detractor,
    "waiting_on_client": _waiting_on_client,
    "hours_over_budget": _hours_over_budget,
    "task_slips": _task_slips,
    "no_objective_goal": _no_objective_goal,
    "renewal_due": _renewal_due,
    "off_cadence": _off_cadence,
}


def evaluate(inputs: WarningInputs, rules: list[Rule]) -> list[Firing]:
    """Every enabled rule that fires for this client, in rule order."""
    firings = []
    for rule in rules:
        check = CHECKS.get(rule.code)
        if rule.enabled and check is not None and (firing := check(inputs, rule)) is not None:
            firings.append(firing)
    return firings


ANCHORS = {
    "risk_score": "risk",
    "stale_contact": "contacts",
    "goal_hit_rate": "goals",
    "objective_behind": "objectives",
    "overdue_tasks": "tasks",
    "risk_not_reassessed": "risk",
    "health_mismatch": "health",
    "nps_detractor": "nps",
    "waiting_on_client": "waiting",
    "hours_over_budget": "hours",
    "task_slips": "slips",
    "no_objective_goal": "goals",
    "renewal_due": "contract-panel",
    "off_cadence": "service",
}


def load_rules() -> list[Rule]:
    from clients.models import WarningRule

    return [Rule(r.code, r.threshold, r.enabled) for r in WarningRule.objects.all()]
