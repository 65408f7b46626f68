"""A database migrated before the audit trail moved to core upgrades with its rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before_the_move() -> list[tuple[str, str]]:
    """Every app at its latest migration but godview at 0001 and core not migrated at all."""
    return [("godview", "0001_initial")] + [node for node in latest() if node[0] not in {"godview", "core"}]


def migrate(targets: list[tuple[str, str | None]], state: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(state).apps


@pytest.mark.django_db(transaction=True)
def test_an_audit_trail_written_before_the_move_is_there_after_it(django_user_model) -> None:
    try:
        old = migrate([("core", None)], before_the_move())
        user = old.get_model("accounts", "User").objects.create(username="auditor")
        entry = old.get_model("godview", "AuditEntry").objects.create(
            user_id=user.pk, action="update", model="client", object_id="7", object_repr="Acme", client_id=7
        )
        content_types = old.get_model("contenttypes", "ContentType")
        content_types.objects.get_or_create(app_label="godview", model="auditentry")

        new = migrate(latest(), latest())

        moved = new.get_model("core", "AuditEntry").objects.get(pk=entry.pk)
        assert (moved.user_id, moved.object_repr, moved.client_id) == (user.pk, "Acme", 7)
        assert "core_auditentry" in connection.introspection.table_names()
        assert "godview_auditentry" not in connection.introspection.table_names()
        labels = set(new.get_model("contenttypes", "ContentType").objects.values_list("app_label", "model"))
        assert ("core", "auditentry") in labels
        assert ("godview", "auditentry") not in labels
    finally:
        migrate(latest(), latest())
