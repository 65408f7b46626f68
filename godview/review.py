"""The review queue: clients whose health signal and current risk score are 2+ apart, until
leadership decides which score stands (a `ReviewDecision` on the current assessment).

The health signal is the one the nightly rollup stored (latest snapshot), so the queue costs a
fixed number of queries at any size; the client page shows the live factors.
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, DailySnapshot, ReviewDecision, RiskAssessment
from clients.scoring import disagrees


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


def review_queue(clients: QuerySet[Client]) -> list[QueueEntry]:
    """Undecided disagreements, largest gap first (one query)."""
    latest_risk = RiskAssessment.objects.filter(client=OuterRef("pk")).order_by("-assessed_at", "-pk")
    latest_snap = DailySnapshot.objects.filter(client=OuterRef("pk")).order_by("-date")
    rows = (
        clients.filter(churned_on__isnull=True)
        .annotate(
            risk_id=Subquery(latest_risk.values("pk")[:1]),
            risk=Subquery(latest_risk.values("score")[:1]),
            health=Subquery(latest_snap.values("health_score")[:1]),
            health_on=Subquery(latest_snap.values("date")[:1]),
        )
        .filter(risk__isnull=False, health__isnull=False)
        .annotate(
            decided=Exists(ReviewDecision.objects.filter(client=OuterRef("pk"), assessment_id=OuterRef("risk_id")))
        )
        .filter(decided=False)
        .select_related("account_manager", "tier")
    )
    entries = [QueueEntry(c, c.risk_id, c.risk, c.health, c.health_on) for c in rows if disagrees(c.health, c.risk)]
    return sorted(entries, key=lambda e: (-e.gap, e.risk_score, e.client.name))


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
