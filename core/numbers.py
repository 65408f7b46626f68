"""Numbers as every screen, email and export shows them: one rounding rule, halves up. Pure."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def half_up(value: Decimal | float | int, places: int = 0) -> Decimal:
    """Rounded the way people round: halves away from zero (2.5 → 3, 62.5 → 63), unlike round()."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def whole(value: Decimal | float | int | None) -> str:
    """A whole number with thousands separators, halves up: 1234.5 → "1,235"."""
    return "—" if value is None else f"{half_up(value):,}"


def percent(value: Decimal | float | None) -> int | None:
    """A fraction as a whole percentage (half up: 0.125 → 13), None stays None."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(half_up(exact * 100))


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


# One compact rule for every money figure, so a column never mixes "10.4k" with "9,900".
COMPACT_FROM = 1_000


def money_text(value: Decimal | float | int | None, currency: str = "") -> str:
    """Money shortened from a thousand, with its currency when given: 12,345 → "12.3k USD",
    9,900 → "9.9k", 950 → "950", 1,234,567 → "1.23M"."""
    if value is None:
        return "—"
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if abs(value) >= 1_000_000:
        amount = f"{half_up(value / 1_000_000, 2):,}M"
    elif abs(value) >= COMPACT_FROM:
        amount = f"{half_up(value / 1000, 1):,}k"
    else:
        amount = f"{half_up(value):,}"
    return f"{amount} {currency}" if currency else amount
