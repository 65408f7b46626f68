"""Figures read from the daily snapshots change only when the rollup runs, so they are cached
until the next rollup: the key holds a rollup version that `godview.rollup` bumps after each run.
The cache is shared by every process (Redis, or the database cache of the embedded default), so
every web process sees a bump made by a job or a command elsewhere; a TTL bounds the rest.

Only snapshot-derived figures go through here; live figures (current risk, goals, warnings) never do.
"""

import hashlib
import logging
import time
from collections.abc import Callable

from django.core.cache import cache

from accounts.models import User

log = logging.getLogger(__name__)
VERSION_KEY = "godview:rollup-version"
TTL = 60 * 30


# A cache outage must not take pages down: any error from the cache backend (redis-py raises its
# own ConnectionError/TimeoutError family) means "compute it now".
CACHE_ERRORS = (Exception,)


def bump_rollup_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)
    except CACHE_ERRORS as exc:  # the rollup's rows are written; only the cache is stale
        log.warning("could not bump the rollup cache version: %s", exc)


def scope_key(user: User | None) -> str:
    """Who sees what: everything, or one user's own scope. None: a figure that does not depend on
    who asks (agency-wide), shared by everyone."""
    return "all" if user is None or user.sees_everything else f"u{user.pk}"


def current_version() -> int:
    """The rollup version; a missing one (never bumped, or evicted by the cache's culling while
    the figures it versioned stayed) starts afresh, so no figure from before can match it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return version


def snapshot_cached[T](name: str, user: User | None, params: dict, compute: Callable[[], T]) -> T:
    try:
        version = current_version()
        raw = f"{name}|{scope_key(user)}|{sorted(params.items())}|{version}"
        key = "godview:snap:" + hashlib.sha1(raw.encode()).hexdigest()
        value = cache.get(key)
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable, computing %s directly: %s", name, exc)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TTL)
        except CACHE_ERRORS as exc:
            log.warning("cache unavailable, not storing %s: %s", name, exc)
    return value
