"""Figures read from the daily snapshots change only when the rollup runs, so they are cached
until the next rollup: the key holds a rollup version that `clients.rollup` bumps after each run
(with the shared Redis cache every web process sees the bump; a TTL bounds the rest).

Only snapshot-derived figures go through here; live figures (current risk, goals, warnings) never do.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from accounts.models import User

VERSION_KEY = "godview:rollup-version"
TTL = 60 * 30


def bump_rollup_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def scope_key(user: User) -> str:
    """Who sees what: everything, or one user's own scope."""
    return "all" if user.sees_everything else f"u{user.pk}"


def snapshot_cached[T](name: str, user: User, params: dict, compute: Callable[[], T]) -> T:
    version = cache.get(VERSION_KEY, 0)
    raw = f"{name}|{scope_key(user)}|{sorted(params.items())}|{version}"
    key = "godview:snap:" + hashlib.sha1(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value
