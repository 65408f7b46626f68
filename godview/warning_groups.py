"""The God-view's early-warning region: open firings grouped per client, by priority (DESIGN,
"Making things happen"), each client with its MRR, risk, reasons and open actions."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, QuerySet, Sum, When
from django.db.models.functions import Lower

from clients.action_selectors import priority, priority_expression
from clients.models import Action, Client, EarlyWarning
from core.weeks import today


@dataclass
class WarningGroup:
    """One client's open firings with its open actions, for the God-view's early-warning region."""

    client: Client
    risk: int | None
    priority: Decimal
    warnings: list[EarlyWarning] = field(default_factory=list)
    actions: list = field(default_factory=list)

    @property
    def acted_rules(self) -> set[str]:
        return {a.rule for a in self.actions}

    @property
    def acted_on(self) -> bool:
        """Every firing has an action from its rule, open, snoozed or done since it fired."""
        return all(w.rule in self.acted_rules or getattr(w, "done_since", False) for w in self.warnings)

    @property
    def oldest_overdue(self) -> dt.date | None:
        return min((a.due_on for a in self.actions if a.status == "open" and a.due_on < today()), default=None)


def warning_groups(clients: QuerySet[Client], limit: int | None = 25) -> tuple[list[WarningGroup], int, int]:
    """Open firings grouped per client, by priority: the groups (the first `limit`), the number of
    clients and of firings. The database ranks the clients (priority from the stored current risk,
    then the oldest overdue action, then the name) from the clients' stored current state, and only
    the clients shown are read with their firings and actions: four queries, whatever the number of
    open firings."""
    # The clients with open firings, from their stored count (kept by every warning's save and
    # every rollup: clients.models.refresh_current_state), not a scan of the firings.
    firing = clients.filter(open_warning_count__gt=0).order_by()
    totals = firing.aggregate(clients=Count("pk"), firings=Sum("open_warning_count", default=0))
    # The oldest overdue action: the oldest open one, stored on the client, when it is before today.
    overdue = Case(When(oldest_open_action_on__lt=today(), then=F("oldest_open_action_on")))
    ranked = (
        firing.annotate(risk=F("latest_risk_score"))
        .annotate(rank=priority_expression("risk"), oldest=overdue)
        .order_by(F("rank").desc(), F("oldest").asc(nulls_last=True), Lower("name"), "pk")
        .values_list("pk", flat=True)
    )
    chosen = list(ranked if limit is None else ranked[:limit])
    rows = (
        EarlyWarning.objects.filter(client_id__in=chosen, resolved_on__isnull=True)
        .annotate(
            done_since=Exists(
                Action.objects.filter(
                    client=OuterRef("client_id"),
                    rule=OuterRef("rule"),
                    status="done",
                    created_at__date__gte=OuterRef("fired_on"),
                )
            ),
        )
        .select_related("client", "client__tier", "client__account_manager")
        .order_by("client_id", "fired_on", "pk")
    )
    groups: dict[int, WarningGroup] = {}
    for w in rows:
        group = groups.get(w.client_id)
        if group is None:
            risk = w.client.latest_risk_score
            group = groups[w.client_id] = WarningGroup(
                w.client, risk, priority(risk, w.client.mrr, w.client.tier.is_premium)
            )
        group.warnings.append(w)
    for action in (
        Action.objects.unresolved().filter(client_id__in=chosen).select_related("owner").order_by("due_on", "pk")
    ):
        groups[action.client_id].actions.append(action)
    return [groups[pk] for pk in chosen if pk in groups], totals["clients"], totals["firings"]
