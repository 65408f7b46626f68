"""The client health signal's inputs: contacts, goals, objectives and NPS from the client record,
overdue tasks from the sync. It reads two apps, so it lives on the top floor."""

import datetime as dt

from django.db.models import Count, Min, Subquery

from clients.models import Client, Objective, WarningRule
from clients.scoring import HealthInputs, HealthSignal, health_signal
from clients.selectors import (
    clients_with_signals,
    goal_hits_by_client,
    waiting_business_days,
    waits_by_client,
    window,
    window_days,
)
from clients.voice_inputs import Voice, voice_by_client
from core.weeks import today
from tasks.models import Task
from tasks.selectors import SLIP_DAYS, slips_by_client


def health_inputs(clients: list[Client], on: dt.date | None = None) -> dict[int, HealthInputs]:
    """Health inputs for clients from `clients_with_signals()` (six more queries in all)."""
    on = on or today()
    ids = [c.pk for c in clients]
    start, end = window(on)
    hits = goal_hits_by_client(ids, start, end)
    overdue = {
        row["client_id"]: row
        for row in Task.objects.live()
        .filter(client_id__in=ids, completed_at__isnull=True, due_on__lt=on)
        .values("client_id")
        .annotate(count=Count("pk"), oldest=Min("due_on"))
    }
    slips = slips_by_client(ids, on - dt.timedelta(days=SLIP_DAYS - 1), on + dt.timedelta(days=1))
    window_from, window_to = window_days(on)
    periods = waits_by_client(ids, window_from, window_to)
    voices = voice_by_client(ids, on)
    behind: dict[int, list[bool]] = {}
    # As the nightly rollup does: objectives started by `on`, behind by the rule's threshold in admin.
    threshold = WarningRule.objects.filter(code=WarningRule.Code.OBJECTIVE_BEHIND).values("threshold")[:1]
    for objective in (
        Objective.objects.filter(client_id__in=ids, status__in=["on_track", "behind"], start_date__lte=on)
        .annotate(points=Subquery(threshold))
        .only("client_id", "baseline", "target", "current_value", "start_date", "due_date")
    ):
        behind.setdefault(objective.client_id, []).append(objective.pace(on, objective.points).behind)

    result = {}
    for client in clients:
        hit, due = hits.get(client.pk, (0, 0))
        late = overdue.get(client.pk)
        paces = behind.get(client.pk, [])
        voice = voices.get(client.pk, Voice())
        result[client.pk] = HealthInputs(
            days_since_contact=(on - client.last_contact_on).days if client.last_contact_on else None,
            stale_after_days=client.tier.stale_contact_days,
            goal_hit_rate=hit / due if due else None,
            overdue_tasks=late["count"] if late else 0,
            max_days_overdue=(on - late["oldest"]).days if late else 0,
            objectives_behind=sum(paces),
            objectives_open=len(paces),
            latest_nps=client.latest_nps,
            waiting_business_days=waiting_business_days(periods.get(client.pk, []), window_from, window_to),
            slipped_tasks=slips[client.pk].tasks if client.pk in slips else 0,
            recent_contacts=voice.recent_contacts,
            negative_contacts=voice.negative_contacts,
            recent_detractors=voice.recent_detractors,
        )
    return result


def health_signals(clients: list[Client], on: dt.date | None = None) -> dict[int, HealthSignal]:
    return {pk: health_signal(inputs) for pk, inputs in health_inputs(clients, on).items()}


def health_for(client: Client, on: dt.date | None = None) -> HealthSignal:
    annotated = clients_with_signals(Client.objects.filter(pk=client.pk)).get()
    return health_signals([annotated], on)[client.pk]
