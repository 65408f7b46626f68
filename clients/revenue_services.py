"""Writes for contracts, renewals and upsells, each atomic and audited (the audit trail's signals
record every save of a clients model, with the request's user).

A renewal outcome and a won opportunity write their revenue event through
`services.revenue_event_record`, the one path that moves a client's MRR, so MRR history, churn,
NRR and CLV see them like any other event.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client, Contract, Opportunity, RevenueEvent
from clients.services import revenue_event_record
from core.text import tidy
from core.weeks import today

ZERO = Decimal("0")
Outcome = Contract.Outcome
Stage = Opportunity.Stage


@transaction.atomic
def contract_create(
    *,
    client: Client,
    starts_on: dt.date,
    renews_on: dt.date,
    committed_mrr: Decimal,
    notice_days: int,
    auto_renew: bool,
    by: User | None,
) -> Contract:
    """A new term for the client. Terms do not overlap: a client has one contract running at a time."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise ValidationError(_("%(client)s has churned; it takes no new contract.") % {"client": client})
    if renews_on <= starts_on:
        raise ValidationError({"renews_on": _("The renewal date must come after the start.")})
    overlap = client.contracts.filter(starts_on__lt=renews_on, renews_on__gt=starts_on).first()
    if overlap is not None:
        raise ValidationError(
            _("This term overlaps the contract %(start)s → %(end)s; record that one's renewal instead.")
            % {"start": overlap.starts_on, "end": overlap.renews_on}
        )
    contract = Contract(
        client=client,
        starts_on=starts_on,
        renews_on=renews_on,
        committed_mrr=committed_mrr,
        notice_days=notice_days,
        auto_renew=auto_renew,
        created_by=by,
    )
    contract.full_clean()
    contract.save()
    return contract


def _event_for(contract: Contract, outcome: str, new_mrr: Decimal | None, churn_reason: str):
    """The revenue event an outcome means: (kind, amount), or None when MRR does not move."""
    old = contract.committed_mrr
    if outcome == Outcome.CHURNED:
        if not churn_reason:
            raise ValidationError({"churn_reason": _("Say why the client churned.")})
        return RevenueEvent.Kind.CHURN, ZERO
    if outcome == Outcome.RENEWED:
        return None
    if new_mrr is None:
        raise ValidationError({"new_mrr": _("Enter the MRR agreed in the renegotiation.")})
    if outcome == Outcome.UP and new_mrr <= old:
        raise ValidationError({"new_mrr": _("Renegotiated up needs more than %(mrr)s.") % {"mrr": old}})
    if outcome == Outcome.DOWN and new_mrr >= old:
        raise ValidationError({"new_mrr": _("Renegotiated down needs less than %(mrr)s.") % {"mrr": old}})
    if outcome == Outcome.UP:
        return RevenueEvent.Kind.EXPANSION, new_mrr - old
    return RevenueEvent.Kind.CONTRACTION, old - new_mrr


@transaction.atomic
def renewal_record(
    *,
    contract: Contract,
    outcome: str,
    decided_on: dt.date,
    new_mrr: Decimal | None = None,
    churn_reason: str = "",
    note: str = "",
    by: User | None,
) -> Contract:
    """Record how a renewal came out, write its revenue event, and open the next term (same length)
    unless the client churned. Recorded once: a mistake is corrected by a new revenue event."""
    contract = Contract.objects.select_for_update().select_related("client").get(pk=contract.pk)
    if contract.outcome:
        raise ValidationError(
            _("This renewal was already recorded as %(outcome)s.") % {"outcome": contract.get_outcome_display()}
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose renewed, renegotiated up or down, or churned.")})
    if decided_on > today():
        raise ValidationError({"decided_on": _("An outcome cannot be dated in the future.")})
    if decided_on < contract.starts_on:
        raise ValidationError({"decided_on": _("The outcome cannot come before the contract's start.")})
    event = _event_for(contract, outcome, new_mrr, churn_reason)
    label = Outcome(outcome).label
    if event is not None:
        kind, amount = event
        contract.revenue_event = revenue_event_record(
            client=contract.client,
            kind=kind,
            amount=amount,
            occurred_on=decided_on,
            note=_("Renewal: %(outcome)s") % {"outcome": label},
            churn_reason=churn_reason,
            by=by,
        )
    contract.outcome, contract.outcome_on, contract.outcome_by = outcome, decided_on, by
    contract.outcome_mrr = ZERO if outcome == Outcome.CHURNED else (new_mrr or contract.committed_mrr)
    contract.outcome_note = tidy(note)[:300]
    contract.full_clean()
    contract.save()
    if outcome != Outcome.CHURNED:
        Contract.objects.create(
            client=contract.client,
            starts_on=contract.renews_on,
            renews_on=contract.renews_on + dt.timedelta(days=contract.term_days),
            committed_mrr=contract.outcome_mrr,
            notice_days=contract.notice_days,
            auto_renew=contract.auto_renew,
            created_by=by,
        )
    return contract


@transaction.atomic
def opportunity_create(
    *,
    client: Client,
    title: str,
    expected_mrr: Decimal,
    owner: User,
    identified_on: dt.date,
    expected_close_on: dt.date | None = None,
    stage: str = Stage.IDENTIFIED,
    by: User | None,
) -> Opportunity:
    if not client.is_active:
        raise ValidationError(_("%(client)s has churned; no new opportunities.") % {"client": client})
    if stage not in Opportunity.OPEN_STAGES:
        raise ValidationError({"stage": _("A new opportunity starts identified or proposed.")})
    if identified_on > today():
        raise ValidationError({"identified_on": _("An opportunity cannot be identified in the future.")})
    if expected_close_on and expected_close_on < identified_on:
        raise ValidationError({"expected_close_on": _("The expected close cannot come before it was identified.")})
    opportunity = Opportunity(
        client=client,
        title=tidy(title),
        expected_mrr=expected_mrr,
        stage=stage,
        owner=owner,
        identified_on=identified_on,
        expected_close_on=expected_close_on,
        created_by=by,
    )
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_move(
    *, opportunity: Opportunity, stage: str, on: dt.date, won_mrr: Decimal | None = None, by: User | None
) -> Opportunity:
    """Move an open opportunity on; won records an expansion revenue event of its MRR."""
    opportunity = Opportunity.objects.select_for_update().select_related("client").get(pk=opportunity.pk)
    if not opportunity.is_open:
        raise ValidationError(
            _("This opportunity is closed as %(stage)s.") % {"stage": opportunity.get_stage_display()}
        )
    if stage not in Stage.values or stage == opportunity.stage:
        raise ValidationError({"stage": _("Choose another stage.")})
    if on > today():
        raise ValidationError({"on": _("A stage change cannot be dated in the future.")})
    if on < opportunity.identified_on:
        raise ValidationError({"on": _("The date cannot come before the opportunity was identified.")})
    opportunity.stage = stage
    if stage in (Stage.WON, Stage.LOST):
        opportunity.closed_on = on
    if stage == Stage.WON:
        amount = won_mrr if won_mrr else opportunity.expected_mrr
        opportunity.expected_mrr = amount
        opportunity.revenue_event = revenue_event_record(
            client=opportunity.client,
            kind=RevenueEvent.Kind.EXPANSION,
            amount=amount,
            occurred_on=on,
            note=(_("Upsell won: %(title)s") % {"title": opportunity.title})[:300],
            by=by,
        )
    opportunity.full_clean()
    opportunity.save()
    return opportunity
