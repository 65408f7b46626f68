"""Small display helpers for the workspace templates (no queries)."""

from django import template

from clients.models import RISK_SCORE_LABELS, Experiment

register = template.Library()


@register.filter
def risk_label(score: int | None) -> str:
    """The word for a 1–4 score (colour is never the only carrier of meaning)."""
    return str(RISK_SCORE_LABELS.get(score, "")) if score else ""


@register.filter
def disagrees(health_score: int | None, risk_score: int | None) -> bool:
    """DESIGN: health signal and risk score 2 or more apart send the client to the review queue."""
    return health_score is not None and risk_score is not None and abs(health_score - risk_score) >= 2


@register.filter
def record_kind(record) -> str:
    return "experiment" if isinstance(record, Experiment) else "tactic"


@register.filter
def counted_outcome(record) -> str:
    return record.counted_outcome if isinstance(record, Experiment) else record.outcome
