"""Every GET address of the site, each query parameter it reads, one at a time, at extreme and
malformed values: never a 5xx.

The parameters are not listed by hand: a first request to each address records the names its view
(and the forms and templates behind it) actually read from `request.GET`, so a parameter added
tomorrow is swept tomorrow. One parameter varies at a time, so a bad value of one cannot hide
another behind an early 400.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.http import QueryDict
from django.urls import reverse

from clients.views import KINDS
from godview.tests.test_access_matrix import MATRIX, named_patterns, url_for
from godview.views import WIDGETS

pytestmark = pytest.mark.django_db

EXTREMES = (
    "0001-01-01",
    "9999-12-31",
    "9999-12-27",  # the last Monday a date can hold: its Sunday is past year 9999
    "2026-02-30",
    "\x00",
    "1\x00",
    "99999999999999999999",
    "-99999999999999999999",
    "-1",
    "0",
    "1",
    "",
    "1e309",
    "NaN",
    "x" * 5000,
    "ᚠ𝔘 مرحبا Привет 🎉",
    "/login/",
    "//evil.example.com/",
)
ROLES = ("leader", "am", "anonymous")
# Parameters that are only read once another one is set (the pod of the growth review's steps).
PREREQUISITES = {"growth_review": lambda world: {"pod": world["pod"].pk}}
# The screens read these; recording must find at least these, or recording itself is broken.
KNOWN = {"period", "pod", "tier", "am", "week", "page", "sort", "warning", "missed", "format", "next", "year",
         "quarter", "risk", "churned", "role", "i"}  # fmt: skip


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Record every name looked up in a QueryDict while the block runs."""
    names: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")}

    def spy(method):
        def wrapped(self, key, *args, **kwargs):
            names.add(key)
            return method(self, key, *args, **kwargs)

        return wrapped

    for name, method in originals.items():
        setattr(QueryDict, name, spy(method))
    try:
        yield names
    finally:
        for name, method in originals.items():
            setattr(QueryDict, name, method)


def get_urls(world: dict) -> list[tuple[str, str]]:
    """(name, url) of every routed address outside the admin, one per widget and per form kind."""
    urls = []
    for name in named_patterns():
        if name == "dashboard_widget":
            urls += [(name, reverse(name, kwargs={"name": widget})) for widget in WIDGETS]
        elif name == "workspace_form":
            urls += [(name, reverse(name, kwargs={"pk": world["client"].pk, "kind": kind})) for kind in KINDS]
        else:
            urls.append((name, url_for(name, MATRIX[name], world)))
    return urls


def log_in_as(client, personas, role: str) -> None:
    client.logout()
    if role != "anonymous":
        client.force_login(personas[role])


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_recording_finds_the_parameters_the_screens_read(client, personas, world):
    client.force_login(personas["leader"])
    found: set[str] = set()
    for name, url in get_urls(world):
        with recording_reads() as names:
            client.get(url, PREREQUISITES.get(name, lambda w: {})(world))
        found |= names
    client.force_login(personas["am"])
    with recording_reads() as names:
        client.get(reverse("login"))
    assert KNOWN - (found | names) == set()


def test_every_parameter_of_every_screen_at_extreme_values_never_answers_5xx(client, personas, world):
    client.raise_request_exception = False  # collect every failure, not just the first
    failures = []
    for role in ROLES:
        log_in_as(client, personas, role)
        for name, url in get_urls(world):
            base = PREREQUISITES.get(name, lambda w: {})(world)
            with recording_reads() as names:
                client.get(url, base)
            bases = [base, base | {"format": "csv"}] if "format" in names else [base]
            for params in bases:
                for param in sorted(names - set(params)):
                    for value in EXTREMES:
                        response = client.get(url, params | {param: value})
                        if response.status_code >= 500:
                            failures.append(f"{role} {url} {param}={value[:30]!r}: {response.status_code}")
                        else:
                            assert "Traceback" not in body(response)
    assert failures == [], "\n".join(failures)
