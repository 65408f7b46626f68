"""Small display helpers for the workspace templates (no queries)."""

from django import template

from clients import scoring
from clients.models import RISK_SCORE_LABELS, Experiment

register = template.Library()


@register.filter
def risk_label(score: int | None) -> str:
    """The word for a 1–4 score (colour is never the only carrier of meaning)."""
    return str(RISK_SCORE_LABELS.get(score, "")) if score else ""


register.filter("disagrees", scoring.disagrees)


@register.filter
def record_kind(record) -> str:
    return "experiment" if isinstance(record, Experiment) else "tactic"


@register.filter
def counted_outcome(record) -> str:
    return record.counted_outcome if isinstance(record, Experiment) else record.outcome
