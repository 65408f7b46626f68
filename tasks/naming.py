"""Which client an external project's name points to (pure: names in, a client out). The sync
stores the guess when it first sees a project or its new name (tasks.services), so no screen
matches names per request."""

import difflib
import re
from collections.abc import Sequence

from clients.models import Client

# difflib's ratio from which a name counts as the same client misspelt: "Fernhil Marine SEO" is
# 0.85 from "Fernhill Marine", while "Internal marketing" is 0.61 from it.
CLOSE_ENOUGH = 0.75


def suggest_client(project_name: str, clients: Sequence[Client]) -> Client | None:
    """The client whose name the project name contains, else the closest name (difflib), if close."""
    wanted = fold(project_name)
    if not wanted:
        return None
    contained = [c for c in clients if core(c.name) and core(c.name) in wanted]
    if contained:
        return max(contained, key=lambda c: len(c.name))
    names = {fold(c.name): c for c in clients}
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=CLOSE_ENOUGH)
    return names[close[0]] if close else None


def fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


LEGAL = frozenset({"co", "corp", "inc", "ltd", "llc", "plc", "gmbh", "sa", "sarl", "sas", "bv", "ag", "ооо"})


def core(name: str) -> str:
    """A client's folded name without a trailing legal form: "Nile Dates Co." → "nile dates"."""
    words = fold(name).split()
    while len(words) > 1 and words[-1] in LEGAL:
        words.pop()
    return " ".join(words)
