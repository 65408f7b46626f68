import pytest


@pytest.fixture(autouse=True)
def empty_cache():
    """The rollup bumps a cache version; tests share a Redis database, so start clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
