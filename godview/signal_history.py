"""The daily signal history: which signals fired for which client on which day, kept as
`SignalRun`s. The nightly rollup records its day (`record_day`); `rebuild` recomputes the runs
from the stored daily figures for installations whose history predates the runs.

Setting day D is a local edit of the runs touching D-1..D+1 (join, extend, split or nothing), so
re-running a day, past or present, leaves the same runs as running every day once in order.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max, Q

from clients.models import DailySnapshot, EarlyWarning
from godview.lab import Interval, merge
from godview.models import HEALTH_LE_2, RISK_LE_2, SignalRun

ONE_DAY = dt.timedelta(days=1)
Key = tuple[int, str]


def snapshot_signals(snapshot: DailySnapshot) -> set[str]:
    """The lab's own signals read from a day's figures: only an active client's day can fire."""
    if not snapshot.is_active:
        return set()
    fired = set()
    if snapshot.health_score is not None and snapshot.health_score <= 2:
        fired.add(HEALTH_LE_2)
    if snapshot.risk_score is not None and snapshot.risk_score <= 2:
        fired.add(RISK_LE_2)
    return fired


def day_signals(snapshots: Iterable[DailySnapshot], rules_fired: Mapping[int, Iterable[str]]) -> dict[int, set[str]]:
    """Every signal that fired per client on the day: the rules that fired and the lab's two."""
    fired: dict[int, set[str]] = defaultdict(set)
    for snapshot in snapshots:
        fired[snapshot.client_id] |= snapshot_signals(snapshot)
    for pk, codes in rules_fired.items():
        fired[pk] |= set(codes)
    return dict(fired)


def set_day(runs: list[Interval], day: dt.date, fires: bool) -> list[Interval]:
    """One key's runs with `day` set to firing or not."""
    if fires:
        return merge([*runs, (day, day)])
    kept = []
    for first, last in runs:
        if first <= day <= last:
            kept += [(first, day - ONE_DAY)] if first < day else []
            kept += [(day + ONE_DAY, last)] if day < last else []
        else:
            kept.append((first, last))
    return kept


def record_day(day: dt.date, fired: Mapping[int, set[str]]) -> None:
    """Write day D into the runs: one read of the runs touching D-1..D+1, then at most a delete,
    an update and an insert."""
    record_days(day, day, {day: fired})


def record_days(
    first: dt.date,
    last: dt.date,
    fired_by_day: Mapping[dt.date, Mapping[int, set[str]]],
    client_ids: Iterable[int] | None = None,
) -> None:
    """Write the days from `first` to `last` into the runs (of `client_ids`, or every client's), as
    recording each day in order would: the runs' days outside the range stay, the range's days are
    those that fired, adjacent days join. One read, then at most a delete, an update and an insert."""
    runs = SignalRun.objects.filter(first_day__lte=last + ONE_DAY, last_day__gte=first - ONE_DAY)
    if client_ids is not None:
        runs = runs.filter(client_id__in=list(client_ids))
    touching: dict[Key, list[SignalRun]] = defaultdict(list)
    for run in runs:
        touching[(run.client_id, run.signal)].append(run)
    firing_days: dict[Key, list[Interval]] = defaultdict(list)
    for day, fired in fired_by_day.items():
        for pk, signals in fired.items():
            for signal in signals:
                firing_days[(pk, signal)].append((day, day))
    gone, changed, new = [], [], []
    for key in set(touching) | set(firing_days):
        old = {run.first_day: run for run in touching.get(key, [])}
        kept = []
        for run in old.values():
            if run.first_day < first:
                kept.append((run.first_day, min(run.last_day, first - ONE_DAY)))
            if run.last_day > last:
                kept.append((max(run.first_day, last + ONE_DAY), run.last_day))
        wanted = merge([*kept, *firing_days.get(key, [])])
        starts = {first_day: last_day for first_day, last_day in wanted}
        gone += [run.pk for start, run in old.items() if start not in starts]
        for start, end in wanted:
            if start not in old:
                new.append(SignalRun(client_id=key[0], signal=key[1], first_day=start, last_day=end))
            elif old[start].last_day != end:
                old[start].last_day = end
                changed.append(old[start])
    if gone:
        SignalRun.objects.filter(pk__in=gone).delete()
    SignalRun.objects.bulk_update(changed, ["last_day"], batch_size=1000)
    SignalRun.objects.bulk_create(new, batch_size=1000)


# --- rebuild from the stored daily figures -------------------------------------------------


def stored_intervals(since: dt.date, until: dt.date) -> dict[Key, list[Interval]]:
    """Firing days from `since` to `until` as the stored figures hold them: the snapshots' health
    and risk scores, and each early warning from its firing day to the day before it resolved."""
    days: dict[Key, list[Interval]] = defaultdict(list)
    low = Q(health_score__lte=2) | Q(risk_score__lte=2)
    rows = DailySnapshot.objects.filter(date__gte=since, date__lte=until, is_active=True).filter(low)
    for pk, on, health, risk in rows.values_list("client_id", "date", "health_score", "risk_score").iterator():
        if health is not None and health <= 2:
            days[(pk, HEALTH_LE_2)].append((on, on))
        if risk is not None and risk <= 2:
            days[(pk, RISK_LE_2)].append((on, on))
    warnings = EarlyWarning.objects.filter(fired_on__lte=until).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=since)
    )
    for pk, rule, fired_on, resolved_on in warnings.values_list("client_id", "rule", "fired_on", "resolved_on"):
        first, last = max(fired_on, since), min(resolved_on - ONE_DAY if resolved_on else until, until)
        if first <= last:
            days[(pk, rule)].append((first, last))
    return {key: merge(ivs) for key, ivs in days.items()}


@transaction.atomic
def rebuild(since: dt.date, until: dt.date | None = None) -> int:
    """Replace the runs from `since` on with those of the stored figures; returns the run count
    written. Runs before `since` stay, and one ending the day before joins its continuation."""
    until = until or DailySnapshot.objects.aggregate(last=Max("date"))["last"] or since
    SignalRun.objects.filter(first_day__gte=since).delete()
    SignalRun.objects.filter(last_day__gte=since).update(last_day=since - ONE_DAY)
    before = {
        (r.client_id, r.signal): r for r in SignalRun.objects.filter(last_day=since - ONE_DAY).select_for_update()
    }
    new, joined = [], []
    for (pk, signal), intervals in stored_intervals(since, until).items():
        for first, last in intervals:
            previous = before.get((pk, signal))
            if first == since and previous is not None:
                previous.last_day = last
                joined.append(previous)
            else:
                new.append(SignalRun(client_id=pk, signal=signal, first_day=first, last_day=last))
    SignalRun.objects.bulk_update(joined, ["last_day"], batch_size=1000)
    SignalRun.objects.bulk_create(new, batch_size=1000)
    return len(new) + len(joined)
