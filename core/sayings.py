"""Sentences kept as data, said in the reader's language.

A reason computed by the nightly job is read later by people in four languages, so it is stored
as its English message and its values, not as the text of whichever language was active when it
was computed. `say("%(days)s days since …", days=21)` is one sentence; a value may itself be a
sentence (a translated word) and a list of sentences is said joined by spaces. Everything is
plain JSON. `makemessages` (core's override) extracts the messages of `say` and `say_plural`.
"""

import datetime as dt
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from core.weeks import today

Saying = dict  # {"m": message, "v": values} or {"m": singular, "p": plural, "n": count key, "v": values}


def day(value: dt.date) -> dict:
    """A value said as a short date in the reader's language, as `short_date` says it: "3 Nov",
    with the year when it is not this year ("3 Nov 2025")."""
    return {"day": value.isoformat()}


def _plain(value):
    if isinstance(value, dict):  # a sentence
        return value
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def say(message: str, **values) -> Saying:
    return {"m": message, "v": {k: _plain(v) for k, v in values.items()}}


def say_plural(singular: str, plural: str, count: str, **values) -> Saying:
    """A sentence whose form follows the value named `count`."""
    return {"m": singular, "p": plural, "n": count, "v": {k: _plain(v) for k, v in values.items()}}


def said(saying: Saying | list | str) -> str:
    """The text in the active language; a list is said sentence after sentence."""
    if isinstance(saying, str):
        return saying
    if isinstance(saying, list):
        return " ".join(said(s) for s in saying)
    if "day" in saying:
        value = dt.date.fromisoformat(saying["day"])
        return date_format(value, "j M" if value.year == today().year else "j M Y")
    if not saying.get("m"):
        return ""  # an empty name (gettext("") would be the catalog's header)
    values = {k: said(v) if isinstance(v, (dict, list)) else v for k, v in saying.get("v", {}).items()}
    plural = "p" in saying
    text = ngettext(saying["m"], saying["p"], int(values[saying["n"]])) if plural else gettext(saying["m"])
    return text % values if values else text


def said_in_english(saying: Saying | list | str) -> str:
    with translation.override("en"):
        return said(saying)
