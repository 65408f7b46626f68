"""A backup restored into an empty database reproduces the same figures."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.db.models import Sum

from clients.models import Client, RiskAssessment, WeeklyGoal
from clients.tests.factories import ClientFactory, RiskAssessmentFactory, WeeklyGoalFactory
from core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
FIGURES_SCRIPT = """
import json, django
django.setup()
from django.db.models import Sum
from clients.models import Client, RiskAssessment, WeeklyGoal
from core.models import AuditEntry
print(json.dumps({
    "clients": Client.objects.count(),
    "mrr": str(Client.objects.aggregate(total=Sum("mrr"))["total"]),
    "goals": WeeklyGoal.objects.count(),
    "risks": sorted(RiskAssessment.objects.values_list("score", flat=True)),
    "audit": AuditEntry.objects.count(),
}))
"""


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    env.pop("TEST_DATABASE_NAME", None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def figures_here() -> dict:
    return {
        "clients": Client.objects.count(),
        "mrr": str(Client.objects.aggregate(total=Sum("mrr"))["total"]),
        "goals": WeeklyGoal.objects.count(),
        "risks": sorted(RiskAssessment.objects.values_list("score", flat=True)),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exercises pg_dump and pg_restore")
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_gives_the_same_figures(tmp_path, am):
    import json

    for score in (1, 2, 4):
        client = ClientFactory(account_manager=am)
        RiskAssessmentFactory(client=client, score=score)
        WeeklyGoalFactory(client=client)
    expected = figures_here()

    settings_dict = connection.settings_dict
    base = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
    source_url = f"{base}/{settings_dict['NAME']}"
    target_name = f"{settings_dict['NAME']}_restore"
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        dump_file = tmp_path / "godview.dump"
        backed_up = manage(source_url, "manage.py", "backup_db", str(dump_file))
        assert backed_up.returncode == 0, backed_up.stderr
        restored = manage(f"{base}/{target_name}", "manage.py", "restore_db", str(dump_file))
        assert restored.returncode == 0, restored.stderr
        again = manage(f"{base}/{target_name}", "manage.py", "restore_db", str(dump_file))
        assert again.returncode != 0
        assert "not empty" in again.stderr
        figures = manage(f"{base}/{target_name}", "-c", FIGURES_SCRIPT)
        assert figures.returncode == 0, figures.stderr
        assert json.loads(figures.stdout.strip().splitlines()[-1]) == expected
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        admin.close()


def test_restoring_a_missing_file_is_a_clear_error(tmp_path):
    result = manage(f"sqlite:///{tmp_path}/empty.sqlite3", "manage.py", "restore_db", str(tmp_path / "nope.dump"))
    assert result.returncode != 0
    assert "No backup at" in result.stderr


def test_the_sqlite_default_backs_up_and_restores(tmp_path):
    source = f"sqlite:///{tmp_path}/source.sqlite3"
    assert manage(source, "manage.py", "migrate", "-v0").returncode == 0
    created = manage(source, "manage.py", "shell", "-c", "from clients.models import Tier; print(Tier.objects.count())")
    assert created.stdout.strip().endswith("2")
    assert manage(source, "manage.py", "backup_db", str(tmp_path / "b.sqlite3")).returncode == 0
    target = f"sqlite:///{tmp_path}/target.sqlite3"
    assert manage(target, "manage.py", "restore_db", str(tmp_path / "b.sqlite3")).returncode == 0
    copied = manage(target, "manage.py", "shell", "-c", "from clients.models import Tier; print(Tier.objects.count())")
    assert copied.stdout.strip().endswith("2")
