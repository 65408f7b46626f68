"""The review queue: clients whose health signal and current risk score are 2+ apart, until
leadership decides which score stands (a `ReviewDecision` on the current assessment).

The health signal is the one the nightly rollup stored (latest snapshot); it, the latest
assessment and its score are kept on the client (`refresh_current_state`), so the database
filters, orders and pages the queue: a page costs the page, not the agency. The client page shows
the live factors.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, ReviewDecision
from clients.models.client import in_review, review_gap


@dataclass(frozen=True)
class QueueEntry:
    client: Client
    assessment_id: int
    risk_score: int
    health_score: int
    as_of: dt.date

    @property
    def gap(self) -> int:
        return abs(self.health_score - self.risk_score)

    @classmethod
    def of(cls, c: Client) -> "QueueEntry":
        """A row of `review_queue`, from the client's stored current state."""
        return cls(c, c.latest_assessment_id, c.latest_risk_score, c.latest_health_score, c.latest_health_on)


def review_queue(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Undecided disagreements, largest gap first, then the riskier score, then the name (one
    query, read in the order of its index; `QueueEntry.of` each row)."""
    decided = ReviewDecision.objects.filter(client=OuterRef("pk"), assessment=OuterRef("latest_assessment"))
    return (
        clients.filter(in_review(), ~Exists(decided))
        .annotate(gap=review_gap())
        .select_related("account_manager", "tier")
        .order_by("-gap", "latest_risk_score", "name", "pk")
    )


def queue_entries(rows: Iterable[Client]) -> list[QueueEntry]:
    return [QueueEntry.of(c) for c in rows]


def queue_entry(client: Client) -> QueueEntry | None:
    """The client's entry while it is in the queue (one query), else None."""
    row = review_queue(Client.objects.filter(pk=client.pk)).first()
    return None if row is None else QueueEntry.of(row)


class ReviewDecisionForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Which score stands"), choices=ReviewDecision.Verdict.choices)
    reason = forms.CharField(label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why this score stands."))
        return reason


@transaction.atomic
def review_decision_record(*, entry: QueueEntry, decided_by: User, verdict: str, reason: str) -> ReviewDecision:
    return ReviewDecision.objects.create(
        client=entry.client,
        assessment_id=entry.assessment_id,
        health_score=entry.health_score,
        verdict=verdict,
        reason=reason,
        decided_by=decided_by,
    )
