"""Environment for benchmark processes: production-like settings (DEBUG off) on a bench database."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")


def setup(database: str | None = None) -> None:
    if database:
        os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "godview.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.pop("REDIS_URL", None)  # local-memory cache: measure the database, not the network
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
