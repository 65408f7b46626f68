"""The inputs of the rollup for a range of days, read once: `rollup_span` (godview/rollup.py) writes
the same snapshots, early warnings and signal runs as `rollup_day` run once per day in order.

`rollup_day` asks about fifteen aggregate questions per day; over a year that is 5,500 queries
and, mostly, the Python that builds them. Here each input is read once for the range (a few
dozen clients at a time, so memory stays bounded), and its day-by-day values are swept in Python:
"latest as of D" by bisection, "open at the end of D" and "in the 28 days ending on D" by
difference arrays. The per-client, per-day scoring (`build_day`) is the same code as the daily
rollup's; the early warnings advance day by day in memory (`advance_warnings`, which the daily
rollup uses too) and are written once, in the order the daily runs would have created them.

Play days (the last PLAY_WINDOW_DAYS before today, whose firings start plays) stay with
`rollup_day`: a play reads the warnings as they stand on its day. `rollup_range` picks the path;
`godview/tests/test_rollup_span.py` compares both, row for row.
"""

import bisect
import datetime as dt
import heapq
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q

from clients.models import (
    Contact,
    Contract,
    NPSResponse,
    Objective,
    RevenueEvent,
    RiskAssessment,
    WaitingPeriod,
    WeeklyGoal,
)
from clients.voice_inputs import VoiceHistory
from clients.warnings import judged_week
from core.weeks import agency_tz, week_start
from tasks.models import DueDateChange, Task, TimeEntry
from tasks.selectors import SLIP_DAYS

ONE_DAY = dt.timedelta(days=1)
ZERO = Decimal("0")
HEALTH_WEEKS = 4
ADDS = ("new", "expansion")
SUBTRACTS = ("contraction", "churn")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=agency_tz())
    return start, start + dt.timedelta(days=1)


def renewals_by_client(ids: list[int], day: dt.date) -> dict[int, tuple[dt.date, int]]:
    """The next renewal date and notice days of each client's open contracts as of the day (one query)."""
    renewals: dict[int, tuple[dt.date, int]] = {}
    for client_id, renews_on, notice in (
        Contract.objects.open_on(day)
        .filter(client_id__in=ids)
        .order_by("client_id", "renews_on")
        .values_list("client_id", "renews_on", "notice_days")
    ):
        renewals.setdefault(client_id, (renews_on, notice))
    return renewals


def tied_goals_by_client(ids: list[int], day: dt.date) -> dict[tuple[int, dt.date], int]:
    """The no-objective-goal rule (issue 20): per client and week (`day`'s and the one before, the
    weeks the rule may judge), the goals tied to an objective open on `day`."""
    monday = week_start(day)
    rows = (
        WeeklyGoal.objects.filter(client_id__in=ids, week_start__in=[monday, monday - dt.timedelta(weeks=1)])
        .filter(status__in=["open", "done"], objective__status__in=["on_track", "behind"])
        .filter(objective__start_date__lte=day, objective__due_date__gte=day)
        .values("client_id", "week_start")
        .annotate(n=Count("pk"))
        .values_list("client_id", "week_start", "n")
    )
    return {(pk, week): n for pk, week, n in rows}


class _Latest:
    """Per client, values keyed by an ascending sort key: the last one at or before a bound."""

    def __init__(self) -> None:
        self.keys: dict[int, list] = defaultdict(list)
        self.values: dict[int, list] = defaultdict(list)

    def add(self, pk: int, key, value) -> None:
        self.keys[pk].append(key)
        self.values[pk].append(value)

    def at_or_before(self, pk: int, bound):
        keys = self.keys.get(pk)
        index = bisect.bisect_right(keys, bound) - 1 if keys else -1
        return self.values[pk][index] if index >= 0 else None

    def before(self, pk: int, bound):
        keys = self.keys.get(pk)
        index = bisect.bisect_left(keys, bound) - 1 if keys else -1
        return self.values[pk][index] if index >= 0 else None


class _Counter:
    """Per client, a count per day of the range, built from day intervals (difference arrays)."""

    def __init__(self, first: dt.date, days: int) -> None:
        self.first, self.days = first, days
        self.diff: dict[int, list[int]] = {}

    def add(self, pk: int, begin: dt.date, end: dt.date | None) -> None:
        """+1 on every day from `begin` to `end` (inclusive; None: to the end of the range)."""
        lo = max((begin - self.first).days, 0)
        hi = self.days - 1 if end is None else min((end - self.first).days, self.days - 1)
        if lo > hi:
            return
        diff = self.diff.setdefault(pk, [0] * (self.days + 1))
        diff[lo] += 1
        diff[hi + 1] -= 1

    def totals(self) -> dict[int, list[int]]:
        out = {}
        for pk, diff in self.diff.items():
            running, counts = 0, []
            for step in diff[:-1]:
                running += step
                counts.append(running)
            out[pk] = counts
        return out


def _local(value: dt.datetime | None, tz) -> dt.date | None:
    return value.astimezone(tz).date() if value is not None else None


class _RangeRenewals:
    """`renewals_by_client` for any day of a range, from one query."""

    def __init__(self, ids: list[int], first: dt.date, last: dt.date):
        self.terms: dict[int, list[tuple[dt.date, dt.date, int, str, dt.date | None]]] = defaultdict(list)
        contracts = Contract.objects.filter(client_id__in=ids, starts_on__lte=last).filter(
            Q(outcome="") | Q(outcome_on__gt=first)
        )
        for pk, starts, renews, notice, outcome, outcome_on in contracts.order_by("client_id", "renews_on").values_list(
            "client_id", "starts_on", "renews_on", "notice_days", "outcome", "outcome_on"
        ):
            self.terms[pk].append((starts, renews, notice, outcome, outcome_on))

    def on(self, day: dt.date, ids: list[int]) -> dict[int, tuple[dt.date, int]]:
        found = {}
        for pk in ids:
            for starts, renews, notice, outcome, outcome_on in self.terms.get(pk, ()):
                if starts <= day and (outcome == "" or (outcome_on is not None and outcome_on > day)):
                    found[pk] = (renews, notice)  # the soonest renewal open that day (Contract.objects.open_on)
                    break
        return found


class _RangeTiedGoals:
    """`tied_goals_by_client` for any day of a range, from one query."""

    def __init__(self, ids: list[int], first: dt.date, last: dt.date):
        self.by_week: dict[dt.date, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
        goals = WeeklyGoal.objects.filter(
            client_id__in=ids,
            week_start__gte=week_start(first) - dt.timedelta(weeks=1),
            week_start__lte=last,
            status__in=["open", "done"],
            objective__status__in=["on_track", "behind"],
        )
        for pk, monday, starts, due in goals.values_list(
            "client_id", "week_start", "objective__start_date", "objective__due_date"
        ):
            self.by_week[monday].append((pk, starts, due))

    def on(self, day: dt.date, ids: list[int]) -> dict[tuple[int, dt.date], int]:
        wanted, monday = set(ids), week_start(day)
        counts: dict[tuple[int, dt.date], int] = defaultdict(int)
        for week in (monday, monday - dt.timedelta(weeks=1)):
            for pk, starts, due in self.by_week.get(week, ()):
                if pk in wanted and starts <= day <= due:
                    counts[(pk, week)] += 1
        return dict(counts)


class RangeInputs:
    """Every input of `DayInputs` for each day from `first` to `last`, read once for the range."""

    def __init__(
        self, first: dt.date, last: dt.date, client_ids: list[int], objective_points: float | None, tied_from=2
    ):
        tz = agency_tz()
        self.first, self.last, self.points, self.tied_from = first, last, objective_points, tied_from
        self.n = (last - first).days + 1
        ids = client_ids
        first_end = day_bounds(first)[1]
        last_end = day_bounds(last)[1]

        # Revenue: the running total after each day that has events.
        self.mrr = _Latest()
        totals: dict[int, Decimal] = {}
        events = RevenueEvent.objects.filter(client_id__in=ids, occurred_on__lte=last)
        events = events.order_by("client_id", "occurred_on")
        for pk, on, kind, amount in events.values_list("client_id", "occurred_on", "kind", "amount"):
            total = totals.get(pk, ZERO) + (amount if kind in ADDS else -amount if kind in SUBTRACTS else ZERO)
            totals[pk] = total
            if self.mrr.keys[pk] and self.mrr.keys[pk][-1] == on:
                self.mrr.values[pk][-1] = total
            else:
                self.mrr.add(pk, on, total)

        self.risk = _Latest()
        risks = RiskAssessment.objects.filter(client_id__in=ids, assessed_at__lt=last_end).order_by(
            "client_id", "assessed_at", "pk"
        )
        for pk, at, score in risks.values_list("client_id", "assessed_at", "score"):
            self.risk.add(pk, at, {"score": score, "assessed_at": at} if score is not None else None)
        self.contact = _Latest()
        contacts = Contact.objects.filter(client_id__in=ids, contacted_on__lte=last)
        contacts = contacts.order_by("client_id", "contacted_on")
        for pk, on in contacts.values_list("client_id", "contacted_on"):
            self.contact.add(pk, on, on)
        self.nps = _Latest()
        self.detractors: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        responses = NPSResponse.objects.filter(client_id__in=ids, responded_on__lte=last).order_by(
            "client_id", "responded_on", "pk"
        )
        for pk, on, score in responses.values_list("client_id", "responded_on", "score"):
            self.nps.add(pk, on, score)
            if score is not None and score <= 6:
                self.detractors[pk].append((on, score))

        # Goals: counts per deadline day, and (hit, due) per client and week.
        hit_of = lambda status, done_at, deadline: status == "done" and done_at is not None and done_at <= deadline  # noqa: E731
        self.goals_on: dict[dt.date, dict[int, dict]] = defaultdict(dict)
        self.weeks: dict[int, dict[dt.date, list[int]]] = defaultdict(dict)
        earliest_week = week_start(first) - dt.timedelta(weeks=HEALTH_WEEKS)
        goals = (
            WeeklyGoal.objects.counted()
            .filter(client_id__in=ids)
            .filter(
                Q(deadline__gte=day_bounds(first)[0], deadline__lt=last_end)
                | Q(week_start__gte=earliest_week, week_start__lt=week_start(last))
            )
        )
        for pk, deadline, monday, status, done_at in goals.values_list(
            "client_id", "deadline", "week_start", "status", "done_at"
        ):
            hit = hit_of(status, done_at, deadline)
            on = _local(deadline, tz)
            if first <= on <= last:
                row = self.goals_on[on].setdefault(pk, {"due": 0, "hit": 0})
                row["due"] += 1
                row["hit"] += hit
            if earliest_week <= monday < week_start(last):
                pair = self.weeks[pk].setdefault(monday, [0, 0])
                pair[0] += hit
                pair[1] += 1
        self._goal_weeks_of: dict[dt.date, dict] = {}

        wait_from = min(earliest_week, first - dt.timedelta(days=7))
        self.waits: dict[int, list[WaitingPeriod]] = defaultdict(list)
        periods = WaitingPeriod.objects.filter(client_id__in=ids, started_on__lte=last).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=wait_from)
        )
        for period in periods.only("client_id", "waiting_for", "started_on", "ended_on").order_by("started_on", "pk"):
            self.waits[period.client_id].append(period)

        self._tasks(ids, first, last, first_end, last_end, tz)
        self._slips(ids, first, last, first_end, last_end, tz)
        self._hours(ids, first, last, first_end, last_end, tz)

        self.voice = VoiceHistory(ids, first, last)
        self.renewals = _RangeRenewals(ids, first, last)
        self.tied_goals = _RangeTiedGoals(ids, first, last)

        self.objectives: dict[int, list[Objective]] = defaultdict(list)
        for objective in Objective.objects.filter(
            client_id__in=ids, status__in=["on_track", "behind"], start_date__lte=last
        ).only("client_id", "title", "baseline", "target", "current_value", "start_date", "due_date"):
            self.objectives[objective.client_id].append(objective)

    def _tasks(self, ids, first, last, first_end, last_end, tz) -> None:
        """Open and overdue counts at the end of each day, the oldest overdue due date, and the
        tasks first due each day (on time: completed by the end of it)."""
        live = Task.objects.filter(client_id__in=ids, deleted_at__isnull=True)
        open_in_range = Q(created_at_source__lt=last_end) & (
            Q(completed_at__isnull=True) | Q(completed_at__gte=day_bounds(first)[0])
        )
        due_in_range = Q(original_due_on__gte=first, original_due_on__lte=last) | Q(
            original_due_on__isnull=True, due_on__gte=first, due_on__lte=last
        )
        opened, overdue = _Counter(first, self.n), _Counter(first, self.n)
        overdue_spans: dict[int, list[tuple[int, int, dt.date]]] = defaultdict(list)
        self.tasks_on: dict[dt.date, dict[int, dict]] = defaultdict(dict)
        rows = live.filter(open_in_range | due_in_range).values_list(
            "client_id", "created_at_source", "completed_at", "due_on", "original_due_on"
        )
        for pk, created, completed, due_on, original in rows.iterator(chunk_size=5000):
            done = _local(completed, tz)
            first_due = original if original is not None else due_on
            if first_due is not None and first <= first_due <= last:
                row = self.tasks_on[first_due].setdefault(pk, {"due": 0, "on_time": 0})
                row["due"] += 1
                row["on_time"] += done is not None and done <= first_due
            if created is None:
                continue
            made = _local(created, tz)
            until = done - ONE_DAY if done is not None else None
            opened.add(pk, made, until)
            if due_on is not None:
                begin = max(made, due_on + ONE_DAY)
                overdue.add(pk, begin, until)
                lo = max((begin - first).days, 0)
                hi = self.n - 1 if until is None else min((until - first).days, self.n - 1)
                if lo <= hi:
                    overdue_spans[pk].append((lo, hi, due_on))
        self.open_counts = opened.totals()
        self.overdue_counts = overdue.totals()
        self.oldest: dict[int, list[dt.date | None]] = {}
        for pk, spans in overdue_spans.items():
            spans.sort()
            oldest, heap, i = [], [], 0
            for day in range(self.n):
                while i < len(spans) and spans[i][0] == day:
                    heapq.heappush(heap, (spans[i][2], spans[i][1]))
                    i += 1
                while heap and heap[0][1] < day:
                    heapq.heappop(heap)
                oldest.append(heap[0][0] if heap else None)
            self.oldest[pk] = oldest

    def _slips(self, ids, first, last, first_end, last_end, tz) -> None:
        """Live tasks whose due date slipped in the SLIP_DAYS ending on each day, per client."""
        changes = (
            DueDateChange.objects.slips()
            .filter(seen_at__gte=first_end - dt.timedelta(days=SLIP_DAYS), seen_at__lt=last_end)
            .filter(task__client_id__in=ids, task__deleted_at__isnull=True)
            .values_list("task__client_id", "task_id", "seen_at")
        )
        seen: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
        for pk, task_id, at in changes:
            seen[(pk, task_id)].add(_local(at, tz))
        counter = _Counter(first, self.n)
        window = dt.timedelta(days=SLIP_DAYS - 1)
        for (pk, _task), days in seen.items():
            spans: list[list[dt.date]] = []
            for day in sorted(days):  # one count per task and day: join overlapping windows
                if spans and day <= spans[-1][1] + ONE_DAY:
                    spans[-1][1] = day + window
                else:
                    spans.append([day, day + window])
            for begin, end in spans:
                counter.add(pk, begin, end)
        self.slipped = counter.totals()

    def _hours(self, ids, first, last, first_end, last_end, tz) -> None:
        """Hours logged per client and day from 29 days before the range to its end."""
        self.hours_from = first - dt.timedelta(days=29)
        span = (last - self.hours_from).days + 1
        self.hour_sums: dict[int, list[Decimal]] = {}
        self.hour_rows: dict[int, list[int]] = {}
        entries = TimeEntry.objects.filter(
            client_id__in=ids, started_at__gte=first_end - dt.timedelta(days=30), started_at__lt=last_end
        ).values_list("client_id", "started_at", "hours")
        for pk, started, hours in entries.iterator(chunk_size=5000):
            index = (_local(started, tz) - self.hours_from).days
            sums = self.hour_sums.setdefault(pk, [ZERO] * span)
            rows = self.hour_rows.setdefault(pk, [0] * span)
            sums[index] += hours
            rows[index] += 1

    def goal_weeks(self, monday: dt.date) -> dict[int, dict[dt.date, tuple[int, int]]]:
        if monday not in self._goal_weeks_of:
            earliest = monday - dt.timedelta(weeks=HEALTH_WEEKS)
            self._goal_weeks_of[monday] = {
                pk: found
                for pk, weeks in self.weeks.items()
                if (found := {m: (h, d) for m, (h, d) in weeks.items() if earliest <= m < monday})
            }
        return self._goal_weeks_of[monday]

    def day(self, day: dt.date, client_ids: list[int]) -> "DayView":
        return DayView(self, day, client_ids)


class DayView:
    """One day of a `RangeInputs`, with the attributes `build_day` reads from a `DayInputs`."""

    def __init__(self, inputs: RangeInputs, day: dt.date, ids: list[int]):
        k = (day - inputs.first).days
        end = day_bounds(day)[1]
        monday = week_start(day)
        self.day = day
        self.mrr, self.risk, self.last_contact, self.nps, self.detractors = {}, {}, {}, {}, {}
        self.open_tasks, self.slipped, self.hours, self.objectives = {}, {}, {}, {}
        self.waits, self.open_objectives = {}, {}
        self.health_days = (monday - dt.timedelta(weeks=HEALTH_WEEKS), monday - ONE_DAY)
        wait_from = min(self.health_days[0], day - dt.timedelta(days=7))
        year_ago = day - dt.timedelta(days=365)
        h = k + 29  # index of `day` in the hour arrays
        for pk in ids:
            if (total := inputs.mrr.at_or_before(pk, day)) is not None:
                self.mrr[pk] = total
            if (risk := inputs.risk.before(pk, end)) is not None:
                self.risk[pk] = risk
            if (last := inputs.contact.at_or_before(pk, day)) is not None:
                self.last_contact[pk] = last
            if (score := inputs.nps.at_or_before(pk, day)) is not None:
                self.nps[pk] = score
            if found := [(score, on) for on, score in inputs.detractors.get(pk, ()) if year_ago < on <= day]:
                self.detractors[pk] = found
            if periods := [
                p
                for p in inputs.waits.get(pk, ())
                if p.started_on <= day and (p.ended_on is None or p.ended_on >= wait_from)
            ]:
                self.waits[pk] = periods
            opened = inputs.open_counts.get(pk)
            if opened and opened[k]:
                overdue = inputs.overdue_counts.get(pk)
                oldest = inputs.oldest.get(pk)
                self.open_tasks[pk] = {
                    "open": opened[k],
                    "overdue": overdue[k] if overdue else 0,
                    "oldest": oldest[k] if oldest else None,
                }
            slipped = inputs.slipped.get(pk)
            if slipped and slipped[k]:
                self.slipped[pk] = slipped[k]
            rows = inputs.hour_rows.get(pk)
            if rows and sum(rows[h - 29 : h + 1]):
                sums = inputs.hour_sums[pk]
                self.hours[pk] = {"today": sums[h], "month": sum(sums[h - 29 : h + 1], ZERO)}
            if objectives := [o for o in inputs.objectives.get(pk, ()) if o.start_date <= day]:
                self.objectives[pk] = [(o.title, o.pace(day, inputs.points)) for o in objectives]
                if still_open := sum(1 for o in objectives if o.due_date >= day):
                    self.open_objectives[pk] = still_open
        self.goals_today = inputs.goals_on.get(day, {})
        self.goal_weeks = inputs.goal_weeks(monday)
        self.tasks_today = inputs.tasks_on.get(day, {})
        self.voice = inputs.voice.on(day, ids)
        self.judged_week = judged_week(day, inputs.tied_from)
        self.tied_goals = inputs.tied_goals.on(day, ids)
        self.renewals = inputs.renewals.on(day, ids)
