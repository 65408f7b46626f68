"""The client a project's name suggests (tasks.naming): a client named inside it, else a close
misspelling, never a name that merely shares letters."""

from types import SimpleNamespace

import pytest

from tasks.naming import suggest_client

CLIENTS = [SimpleNamespace(name=n) for n in ("Blue Fjord Travel", "Blue Fjord", "Fernhill Marine", "Nile Dates Co.")]


@pytest.mark.parametrize(
    ("project", "client"),
    [
        ("Blue Fjord Travel — Q1 ads", "Blue Fjord Travel"),  # named inside: the longest name wins
        ("NILE DATES Co", "Nile Dates Co."),  # case and punctuation aside
        ("Fernhil Marine SEO", "Fernhill Marine"),  # a misspelling close enough
        ("Internal · Marketing", None),  # shares letters with Fernhill Marine, and is not it
        ("Agency website", None),
        ("", None),
        ("— · —", None),
    ],
)
def test_a_name_suggests_the_client_it_names_or_none(project, client):
    found = suggest_client(project, CLIENTS)
    assert (found.name if found else None) == client
