"""Template helpers of the God-view screens: KPI values and changes, risk badges (sort links are
core's `sort_th`).
Number formats are `core`'s (`{% load numbers %}`)."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.permissions import can_see_person, can_see_pod
from clients.models import RISK_SCORE_LABELS
from clients.warnings import ANCHORS
from core.numbers import money_text as money
from core.numbers import percent_text as pct
from core.numbers import points_text, signed_safe, whole

register = template.Library()


@register.simple_tag
def kpi_value(kpi) -> str:
    if kpi.value is None:
        return "—"
    if kpi.kind == "money":
        return money(kpi.value, settings.CURRENCY)
    if kpi.kind == "percent":
        return pct(kpi.value)
    return whole(kpi.value) if isinstance(kpi.value, int) else f"{kpi.value:,}"


@register.simple_tag
def kpi_delta(kpi) -> str:
    change = kpi.change
    if change is None or change.delta is None:
        return format_html('<span class="delta-flat">{}</span>', _("no earlier data"))
    css = "delta-flat" if change.good is None else ("delta-up" if change.good else "delta-down")
    arrow = {"up": "▲", "down": "▼", "flat": "■"}[change.direction]
    if kpi.kind == "percent":
        text = points_text(change.delta)
    elif kpi.kind == "money":
        text = signed_safe(
            ("+" if change.delta >= 0 else "−") + money(abs(Decimal(str(change.delta))), settings.CURRENCY)
        )
    else:
        text = signed_safe(("+" if change.delta >= 0 else "-") + whole(abs(change.delta)))
    return format_html(
        '<span class="{}">{} {}</span> <span class="muted">{}</span>', css, arrow, text, _("vs previous period")
    )


@register.simple_tag
def risk_badge(score) -> str:
    if score is None:
        return format_html('<span class="badge">{}</span>', _("Not assessed"))
    return format_html('<span class="badge risk-{}">{} · {}</span>', score, score, RISK_SCORE_LABELS.get(score, ""))


@register.simple_tag
def sees_person(user, person_id, pod_id) -> bool:
    """`{% sees_person user id pod_id as ok %}`: link a person page only when it opens for the viewer."""
    return can_see_person(user, person_id, pod_id)


@register.filter
def sees_pod(user, pod_id) -> bool:
    return can_see_pod(user, pod_id)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def urlencode_dict(params) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})


@register.filter
def as_list(value) -> list:
    """Evaluate an iterable once (a ModelChoiceIterator would otherwise count, then fetch)."""
    return [item for item in value]  # list() would ask len() first: an extra COUNT


@register.filter
def rule_anchor(code: str) -> str:
    """The client page section that holds the rows behind an early-warning rule."""
    return ANCHORS.get(code, "")


@register.simple_tag
def kpi_number(kpi, value) -> str:
    """A value in the tile's unit (a KPI target)."""
    if value is None:
        return "—"
    if kpi.kind == "money":
        return money(value)
    if kpi.kind == "percent":
        return pct(value)
    return f"{value:,.0f}"


@register.simple_tag
def kpi_gap(kpi) -> str:
    """Value − target: points for a percentage, signed money or count otherwise."""
    gap = kpi.gap
    if gap is None:
        return "—"
    if kpi.kind == "percent":
        return points_text(gap)
    if kpi.kind == "money":
        return ("+" if gap >= 0 else "−") + money(abs(Decimal(str(gap))))
    return f"{gap:+,.0f}"
