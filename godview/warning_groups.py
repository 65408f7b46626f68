"""The God-view's early-warning region: open firings grouped per client, by priority (DESIGN,
"Making things happen"), each client with its MRR, risk, reasons and open actions."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from clients.action_selectors import current_risk as risk_of
from clients.action_selectors import priority, priority_key
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
    clients and of firings (two queries: the firings with their client and its current risk, and
    the open or snoozed actions of those clients)."""
    rows = (
        EarlyWarning.objects.filter(client__in=clients, resolved_on__isnull=True)
        .annotate(
            client_risk=risk_of("client_id"),
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
            group = groups[w.client_id] = WarningGroup(
                w.client, w.client_risk, priority(w.client_risk, w.client.mrr, w.client.tier.is_premium)
            )
        group.warnings.append(w)
    for action in (
        Action.objects.unresolved().filter(client_id__in=list(groups)).select_related("owner").order_by("due_on", "pk")
    ):
        groups[action.client_id].actions.append(action)
    ordered = sorted(groups.values(), key=lambda g: priority_key(g.priority, g.oldest_overdue, g.client.name))
    firings = sum(len(g.warnings) for g in ordered)
    return (ordered if limit is None else ordered[:limit]), len(ordered), firings
