"""Dump and restore the whole database: pg_dump/pg_restore on Postgres, SQLite's backup API
on the embedded default. One code path for the management commands and the Makefile."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(RuntimeError):
    pass


def _pg_env(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", settings_dict.get("HOST") or "localhost", "--port", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]  # through the environment, never the command line
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def has_tables(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        return bool(connections[alias].introspection.table_names(cursor))


def dump(path: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(settings_dict)
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path), settings_dict["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
    else:
        raise BackupError(f"Backups are not supported on {connection.vendor}.")
    return path


def restore(path: Path, alias: str = "default", replace: bool = False) -> None:
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if has_tables(alias) and not replace:
        raise BackupError("The database is not empty. Restore into an empty database, or pass --replace.")
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(settings_dict)
        clean = ["--clean", "--if-exists"] if replace else []
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                *clean,
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                settings_dict["NAME"],
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.close()
        with sqlite3.connect(path) as source, sqlite3.connect(settings_dict["NAME"]) as target:
            source.backup(target)
    else:
        raise BackupError(f"Backups are not supported on {connection.vendor}.")
