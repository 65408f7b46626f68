"""Numbers as every screen, email and export shows them: one rounding rule, halves up. Pure."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def percent(value: Decimal | float | None) -> int | None:
    """A fraction as a whole percentage (half up: 0.125 → 13), None stays None."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return int((exact * 100).quantize(Decimal("1"), ROUND_HALF_UP))


def percent_text(value: Decimal | float | None) -> str:
    """0.125 → "13%"; None → "—"."""
    shown = percent(value)
    return "—" if shown is None else f"{shown}%"


def points_text(value: Decimal | float | None) -> str:
    """A difference of two rates in percentage points, halves up: 0.12 → "+12 pts", 0 → "0 pts"."""
    shown = percent(value)
    if shown is None:
        return "—"
    return _("%(sign)s%(points)s pts") % {"sign": "+" if shown > 0 else "", "points": shown}


def money_text(value: Decimal | float | int | None) -> str:
    """Money without its currency, shortened past ten thousand: 12,345 → "12.3k"."""
    if value is None:
        return "—"
    value = Decimal(value)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.2f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:,.1f}k"
    return f"{value:,.0f}"
