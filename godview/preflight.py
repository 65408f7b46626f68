"""`make test` preflight: say clearly when Postgres or Redis is not there, and how to start it."""

import os
import sys

import psycopg2
import redis


def main() -> int:
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        try:
            psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        except psycopg2.OperationalError as exc:
            problems.append(
                f"Postgres is not answering at {database_url} ({str(exc).strip()}).\n"
                "  Start it (Debian): pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
                "  or point TEST_DATABASE_URL at another server."
            )
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(
                f"Redis is not answering at {redis_url} ({exc}).\n"
                "  Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no\n"
                "  or point TEST_REDIS_URL at another server."
            )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
