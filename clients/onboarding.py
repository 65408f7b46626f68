"""Handoff and onboarding (issue 20): apply a template to a client, tick the handoff checklist,
and measure onboarding progress.

Applying a template goes through the client record's own services (kickoff_item_add,
agreement_record, objective_create), so every rule they hold (ten kickoff items at most, a real
text, a response time of 1–30 business days, a target apart from the baseline) holds here too.

**Onboarding progress** of a client with a handoff = steps done ÷ steps, where the steps are its
kickoff plan items (done when ticked), its handoff checklist items (ticked), the expectation
agreement (done when signed) and the first objectives (done when it has at least one objective).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User
from clients import services
from clients.models import (
    Client,
    Handoff,
    HandoffItem,
    KickoffItem,
    Objective,
    OnboardingTemplate,
    OnboardingTemplateItem,
)
from core.text import is_real_text, tidy
from core.weeks import today

Kind = OnboardingTemplateItem.Kind


@transaction.atomic
def onboarding_apply(*, client: Client, template: OnboardingTemplate, sold_by: str, promised: str, by: User) -> Handoff:
    """Start the client's onboarding from `template`: the handoff with its checklist, the kickoff
    plan's items, the agreement's response time and the first objectives. Once per client."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if Handoff.objects.filter(client=client).exists():
        raise ValidationError(_("This client's onboarding has already started."))
    sold_by, promised = tidy(sold_by), tidy(promised)
    errors = {}
    if not is_real_text(sold_by, 2):
        errors["sold_by"] = _("Say who sold the client.")
    if not is_real_text(promised):
        errors["promised"] = _("Say what was promised to the client.")
    if errors:
        raise ValidationError(errors)
    items = list(template.items.order_by("kind", "position", "pk"))
    handoff = Handoff.objects.create(
        client=client, template=template, sold_by=sold_by, promised=promised, started_on=today(), created_by=by
    )
    HandoffItem.objects.bulk_create(
        HandoffItem(handoff=handoff, position=n, text=item.text)
        for n, item in enumerate((i for i in items if i.kind == Kind.HANDOFF), start=1)
    )
    existing = set(KickoffItem.objects.filter(client=client).values_list("text", flat=True))
    for item in items:
        if item.kind == Kind.KICKOFF and item.text not in existing:
            services.kickoff_item_add(client=client, text=item.text, by=by)
    services.agreement_record(
        client=client,
        signed_on=client.expectation_agreement_signed_on,
        response_days=template.agreed_response_days,
    )
    start = today()
    for item in items:
        if item.kind == Kind.OBJECTIVE:
            services.objective_create(
                client=client,
                by=by,
                title=item.text,
                metric=item.metric,
                baseline=item.baseline,
                target=item.target,
                current_value=item.baseline,
                start_date=start,
                due_date=start + dt.timedelta(days=template.objective_days),
                origin=Objective.Origin.PROPOSAL,
            )
    return handoff


@transaction.atomic
def handoff_item_set(*, item: HandoffItem, done: bool, by: User) -> HandoffItem:
    """Tick or untick; a double click changes nothing."""
    item = HandoffItem.objects.select_for_update().get(pk=item.pk)
    if done != bool(item.done_on):
        item.done_on, item.done_by = (today(), by) if done else (None, None)
        item.save(update_fields=["done_on", "done_by"])
    return item


@dataclass(frozen=True)
class Progress:
    kickoff_done: int
    kickoff: int
    handoff_done: int
    handoff: int
    agreement_signed: bool
    objectives: int

    @property
    def done(self) -> int:
        return self.kickoff_done + self.handoff_done + int(self.agreement_signed) + int(self.objectives > 0)

    @property
    def total(self) -> int:
        return self.kickoff + self.handoff + 2

    @property
    def share(self) -> float:
        return self.done / self.total


def _counts(queryset, key: str) -> dict[int, tuple[int, int]]:
    rows = queryset.values(key).annotate(n=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False)))
    return {row[key]: (row["done"], row["n"]) for row in rows}


def onboarding_progress(clients: Iterable[Client]) -> dict[int, Progress]:
    """client id → its onboarding progress (three queries, whatever the number of clients)."""
    clients = list(clients)
    ids = [c.pk for c in clients]
    kickoff = _counts(KickoffItem.objects.filter(client_id__in=ids), "client_id")
    handoff = _counts(HandoffItem.objects.filter(handoff__client_id__in=ids), "handoff__client_id")
    objectives = dict(
        Objective.objects.filter(client_id__in=ids)
        .values("client_id")
        .annotate(n=Count("pk"))
        .values_list("client_id", "n")
    )
    return {
        c.pk: Progress(
            *kickoff.get(c.pk, (0, 0)),
            *handoff.get(c.pk, (0, 0)),
            c.expectation_agreement_signed_on is not None,
            objectives.get(c.pk, 0),
        )
        for c in clients
    }
