# The audit trail now belongs to core (core/migrations/0001): godview forgets the model, the
# table and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("godview", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
