# The audit trail moves from godview (top floor) to core (ground floor) without touching its rows:
# this migration only tells Django's state that the model now lives here, on godview's table;
# 0002 then renames the table.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("godview", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when")),
                        ("action", models.CharField(choices=[("create", "Created"), ("update", "Changed"), ("delete", "Deleted")], max_length=10, verbose_name="action")),
                        ("model", models.CharField(max_length=60, verbose_name="record type")),
                        ("object_id", models.CharField(max_length=40, verbose_name="record id")),
                        ("object_repr", models.CharField(max_length=200, verbose_name="record")),
                        ("client_id", models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="client id")),
                        ("changes", models.JSONField(blank=True, default=dict, help_text="field: [before, after]", verbose_name="changes")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="who")),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit trail",
                        "ordering": ["-at", "-pk"],
                        "db_table": "godview_auditentry",
                        "indexes": [models.Index(fields=["model", "object_id"], name="godview_aud_model_fd4f0c_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
