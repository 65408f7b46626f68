"""The top bar's search (issue 18): clients, people and pods whose name holds every word typed,
each within what the reader may open (a result never links to a page that answers 404)."""

from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.db.models import F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import client_scope, people_scope, visible_pods
from clients.models import Client
from core.params import BadParameter

MAX_LENGTH = 100


@dataclass(frozen=True)
class Found:
    """One kind of result: the first `limit` rows and whether there are more."""

    rows: list
    more: bool


@dataclass(frozen=True)
class Results:
    query: str
    clients: Found
    people: Found
    pods: Found

    @property
    def empty(self) -> bool:
        return not (self.clients.rows or self.people.rows or self.pods.rows)


def words_of(query: str) -> list[str]:
    if len(query) > MAX_LENGTH:
        raise BadParameter(_("A search is at most %(n)s characters.") % {"n": MAX_LENGTH})
    return query.split()


def _every_word(words: list[str], *fields: str) -> Q:
    """Each word in one of `fields` (case-insensitive): "isla merc" finds Isla Mercier."""
    return reduce(and_, (reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words))


def _first(rows, limit: int) -> Found:
    found = list(rows[: limit + 1])
    return Found(found[:limit], len(found) > limit)


def search(user: User, query: str, limit: int = 8) -> Results:
    """Three queries: the clients, the people and the pods that match, in the reader's scope."""
    words = words_of(query)
    if not words:
        nothing = Found([], False)
        return Results(query, nothing, nothing, nothing)
    clients = (
        Client.objects.filter(client_scope(user))
        .filter(_every_word(words, "name"))
        .select_related("account_manager")
        .order_by(F("churned_on").asc(nulls_first=True), "name", "pk")  # live clients first
    )
    people = (
        User.objects.filter(people_scope(user), is_active=True)
        .filter(_every_word(words, "first_name", "last_name"))
        .select_related("pod")
        .order_by("first_name", "last_name", "pk")
    )
    pods = visible_pods(user).filter(_every_word(words, "name")).order_by("name")
    return Results(query, _first(clients, limit), _first(people, limit), _first(pods, limit))
