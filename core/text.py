"""What counts as written text: a reason of zero-width spaces or punctuation alone is no reason. Pure."""

import unicodedata

MIN_REASON_CHARS = 3
# Letters, marks and digits: what a reader sees as words (spaces, format and control characters
# such as U+200B ZERO WIDTH SPACE, and punctuation do not count).
VISIBLE = ("L", "M", "N")


def visible_chars(text: str) -> int:
    return sum(1 for char in text if unicodedata.category(char)[0] in VISIBLE)


def is_real_text(text: str | None, min_chars: int = MIN_REASON_CHARS) -> bool:
    """At least `min_chars` letters or digits: "ok" is not a reason, "late" is."""
    return visible_chars(text or "") >= min_chars


def tidy(text: str | None) -> str:
    """Trimmed, with invisible format characters (zero-width spaces, joiners, BOMs) removed."""
    return "".join(char for char in (text or "") if unicodedata.category(char) != "Cf").strip()
