"""Which client an external project's name points to (pure: names in, a client out). The sync
stores the guess when it first sees a project or its new name (tasks.services), so no screen
matches names per request."""

import difflib
import re
from collections.abc import Sequence

from clients.models import Client


def suggest_client(project_name: str, clients: Sequence[Client]) -> Client | None:
    """The client whose name the project name contains, else the closest name (difflib), if close."""
    wanted = fold(project_name)
    if not wanted:
        return None
    contained = [c for c in clients if fold(c.name) and fold(c.name) in wanted]
    if contained:
        return max(contained, key=lambda c: len(c.name))
    names = {fold(c.name): c for c in clients}
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
