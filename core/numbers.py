"""Numbers as every screen, email and export shows them: one rounding rule, halves up, written
the way the reader's language writes them (separators from Django's formats, `core/formats/`;
Arabic digits per the ARABIC_DIGITS setting). Pure apart from the active language."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, get_language_bidi, pgettext
from django.utils.translation import gettext as _

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def half_up(value: Decimal | float | int, places: int = 0) -> Decimal:
    """Rounded the way people round: halves away from zero (2.5 → 3, 62.5 → 63), unlike round()."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def digits(text: str) -> str:
    """Western digits, or Arabic-Indic ones on an Arabic page when the agency chose them."""
    if settings.ARABIC_DIGITS == "arabic-indic" and (get_language() or "").startswith("ar"):
        return text.translate(ARABIC_INDIC)
    return text


def signed_safe(text: str) -> str:
    """A leading sign stays before its number on a right-to-left page ("-12" not "12-"): the bidi
    algorithm moves a lone sign to the far side unless a left-to-right mark anchors it."""
    if text[:1] in "+-−" and get_language_bidi():
        return "\u200e" + text
    return text


def grouped(value: Decimal | float | int, places: int = 0) -> str:
    """Halves up to `places`, with the language's separators: 1234.5 → "1,234.5" / "1 234,5"."""
    exact = half_up(value, places)
    return signed_safe(digits(formats.number_format(exact, places, use_l10n=True, force_grouping=True)))


def whole(value: Decimal | float | int | None) -> str:
    """A whole number with thousands separators, halves up: 1234.5 → "1,235"."""
    return "—" if value is None else grouped(value)


def percent(value: Decimal | float | None) -> int | None:
    """A fraction as a whole percentage (half up: 0.125 → 13), None stays None."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(half_up(exact * 100))


def percent_text(value: Decimal | float | None) -> str:
    """0.125 → "13%" ("13 %" in French); None → "—"."""
    shown = percent(value)
    return "—" if shown is None else _("%(percent)s%%") % {"percent": grouped(shown)}


def points_text(value: Decimal | float | None) -> str:
    """A difference of two rates in percentage points, halves up: 0.12 → "+12 pts", 0 → "0 pts"."""
    shown = percent(value)
    if shown is None:
        return "—"
    text = _("%(sign)s%(points)s pts") % {"sign": "+" if shown > 0 else "", "points": grouped(shown).lstrip("\u200e")}
    return signed_safe(text)


def money_text(value: Decimal | float | int | None, currency: str = "") -> str:
    """Money, shortened past ten thousand: 12,345 → "12.3k"; with its currency when given
    ("12.3k USD", "12,3 k USD")."""
    if value is None:
        return "—"
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if abs(value) >= 1_000_000:
        amount = pgettext("millions, short", "%(amount)sM") % {"amount": grouped(value / 1_000_000, 2)}
    elif abs(value) >= 10_000:
        amount = pgettext("thousands, short", "%(amount)sk") % {"amount": grouped(value / 1000, 1)}
    else:
        amount = grouped(value)
    if not currency:
        return amount
    return pgettext("money", "%(amount)s %(currency)s") % {"amount": amount, "currency": currency}
