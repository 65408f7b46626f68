"""What plotly.js needs to speak the page's language: month and day names, separators and the
direction, built on the server from Django's own catalogs and formats (static/js/charts.js reads
it from the page and registers it as a plotly locale)."""

from django.utils import formats
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language, get_language_bidi


def chart_locale() -> dict:
    # plotly's week starts on Sunday; Django's WEEKDAYS on Monday (0).
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    return {
        "name": get_language() or "en",
        "rtl": get_language_bidi(),
        "separators": formats.get_format("DECIMAL_SEPARATOR") + formats.get_format("THOUSAND_SEPARATOR"),
        "months": [str(MONTHS[m]) for m in range(1, 13)],
        "shortMonths": [str(MONTHS_3[m]).capitalize() for m in range(1, 13)],
        "days": [str(WEEKDAYS[d]) for d in sunday_first],
        "shortDays": [str(WEEKDAYS_ABBR[d]) for d in sunday_first],
    }
