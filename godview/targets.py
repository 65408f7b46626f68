"""Targets and a north star (issue 20, item 9): leadership sets a target per KPI of the God-view
strip and may pick one north-star KPI; tiles show the target and the gap, the north star leads
the strip and the weekly digest.

The gap is value − target in the KPI's own unit (points for a percentage); a KPI where less is
better (churn, at-risk MRR, overdue, stale, reviews missing) is on target at or below it.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.cache import CACHE_ERRORS, TTL
from godview.forms import Filters
from godview.models import KPI_CHOICES, KpiTarget
from godview.objectives import with_objective_kpi
from godview.selectors import Kpi, kpi_strip

log = logging.getLogger(__name__)
LOWER_IS_BETTER = frozenset({"at_risk_mrr", "churn", "overdue", "stale", "reviews_missing"})
PERCENT = frozenset({"churn", "nrr", "goal_hit_rate", "goals_tied", "objectives", "on_time", "training"})
HUNDRED = Decimal(100)


def in_kpi_unit(key: str, target: Decimal) -> float:
    """A stored target in the unit of the tile's value (a fraction for percentages)."""
    return float(target / HUNDRED) if key in PERCENT else float(target)


def on_target(key: str, value: float, target: float) -> bool:
    return value <= target if key in LOWER_IS_BETTER else value >= target


TARGETS_KEY = "godview:kpi-targets"


def target_rows() -> dict[str, tuple[Decimal | None, bool]]:
    """KPI → (target, north star), cached until the targets are saved (the God-view page's query
    budget); a cache outage reads the table."""
    try:
        rows = cache.get(TARGETS_KEY)
    except CACHE_ERRORS:
        rows = None
    if rows is None:
        rows = {row.kpi: (row.target, row.north_star) for row in KpiTarget.objects.all()}
        try:
            cache.set(TARGETS_KEY, rows, TTL)
        except CACHE_ERRORS as exc:
            log.warning("could not cache the KPI targets: %s", exc)
    return rows


def forget_targets() -> None:
    try:
        cache.delete(TARGETS_KEY)
    except CACHE_ERRORS as exc:  # the TTL bounds how long the old targets show
        log.warning("could not forget the cached KPI targets: %s", exc)


def with_targets(kpis: list[Kpi]) -> list[Kpi]:
    """Each tile with its target, gap and whether it meets it; the north star first (cached)."""
    rows = target_rows()
    for kpi in kpis:
        if kpi.key not in rows:
            continue
        target, kpi.north_star = rows[kpi.key]
        if target is not None:
            kpi.target = in_kpi_unit(kpi.key, target)
            if kpi.value is not None:
                kpi.gap = float(kpi.value) - kpi.target
                kpi.on_target = on_target(kpi.key, float(kpi.value), kpi.target)
    return sorted(kpis, key=lambda k: not k.north_star)  # stable: the rest keep their order


@dataclass
class TargetLine:
    key: str
    label: str
    target: Decimal | None
    north_star: bool
    percent: bool
    lower_is_better: bool


def target_lines() -> list[TargetLine]:
    rows = {row.kpi: row for row in KpiTarget.objects.all()}
    return [
        TargetLine(
            key,
            str(label),
            rows[key].target if key in rows else None,
            key in rows and rows[key].north_star,
            key in PERCENT,
            key in LOWER_IS_BETTER,
        )
        for key, label in KPI_CHOICES
    ]


def can_set_targets(user: User) -> bool:
    return user.sees_everything or user.is_staff


@transaction.atomic
def targets_save(*, targets: dict[str, Decimal | None], north_star: str, by: User) -> None:
    """Replace the targets: a blank target removes it; at most one north star."""
    keys = dict(KPI_CHOICES)
    if north_star and north_star not in keys:
        raise ValidationError({"north_star": _("Pick the north star from the KPIs listed.")})
    for key, value in targets.items():
        if key not in keys:
            raise ValidationError({key: _("Unknown KPI.")})
        if value is not None and key in PERCENT and not (Decimal(0) <= value <= Decimal(1000)):
            raise ValidationError({key: _("A percentage target lies between 0 and 1000.")})
        if value is not None and value < 0:
            raise ValidationError({key: _("A target cannot be negative.")})
    KpiTarget.objects.filter(north_star=True).exclude(kpi=north_star).update(north_star=False)
    for key in keys:
        value = targets.get(key)
        star = key == north_star
        if value is None and not star:
            KpiTarget.objects.filter(kpi=key).delete()
        else:
            KpiTarget.objects.update_or_create(kpi=key, defaults={"target": value, "north_star": star, "set_by": by})
    transaction.on_commit(forget_targets)


def current_kpis(user: User) -> list[Kpi]:
    """Every tile agency-wide over the default period, with its target (the targets page)."""
    return with_targets(with_objective_kpi(kpi_strip(user, Filters(), "/clients/"), user, Filters()))


def north_star_tile() -> Kpi | None:
    """The north star, agency-wide over the default period, as leadership sees it (for the digest)."""
    star = KpiTarget.objects.filter(north_star=True).first()  # fresh: the digest goes out once a week
    leader = User.objects.filter(is_active=True, role=Role.LEADERSHIP).order_by("pk").first()
    if star is None or leader is None:
        return None
    return next((k for k in current_kpis(leader) if k.key == star.kpi), None)


def north_star_line(kpi: Kpi) -> str:
    """ "Goal hit rate 77% (target 85%, −8 pts)": the north star in words, for the digest."""
    from core.numbers import money_text, percent_text, points_text

    def shown(value) -> str:
        if value is None:
            return "—"
        if kpi.kind == "percent":
            return percent_text(value)
        return money_text(value) if kpi.kind == "money" else f"{value:,.0f}"

    line = f"{_(kpi.label)} {shown(kpi.value)}"
    if kpi.target is None:
        return line
    gap = points_text(kpi.gap) if kpi.kind == "percent" else (f"{kpi.gap:+,.0f}" if kpi.gap is not None else "—")
    verdict = _("on target") if kpi.on_target else _("off target")
    return (
        line
        + " "
        + _("(target %(target)s, %(gap)s: %(verdict)s)")
        % {
            "target": shown(kpi.target),
            "gap": gap,
            "verdict": verdict,
        }
    )
