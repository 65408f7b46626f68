"""The client's oldest open action's due date, stored (issue 19): the God-view's early-warning
region orders the firing clients by it without probing every client's actions."""

from django.db import migrations, models

FILL = """
UPDATE clients_client SET oldest_open_action_on = (
    SELECT MIN(a.due_on) FROM clients_action a WHERE a.client_id = clients_client.id AND a.status = 'open'
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0025_weekly_risk"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="oldest_open_action_on",
            field=models.DateField(editable=False, null=True, verbose_name="oldest open action due"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
