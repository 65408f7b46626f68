"""The waiting-on-client rule now weighs waits (from the waiting periods AMs record) against the
client's expectation agreement: its threshold becomes grace business days beyond the agreement."""

from decimal import Decimal

from django.db import migrations

HELP = "Business days of grace beyond the expectation agreement's response time."


def forwards(apps, schema_editor):
    WarningRule = apps.get_model("clients", "WarningRule")
    WarningRule.objects.filter(code="waiting_on_client", threshold=Decimal("8")).update(threshold=Decimal("0"))
    WarningRule.objects.filter(code="waiting_on_client").update(help_text=HELP)


def backwards(apps, schema_editor):
    WarningRule = apps.get_model("clients", "WarningRule")
    WarningRule.objects.filter(code="waiting_on_client", threshold=Decimal("0")).update(
        threshold=Decimal("8"), help_text="Hours waiting on client per week (one business day)."
    )


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_history_cannot_be_deleted_or_moved")]

    operations = [migrations.RunPython(forwards, backwards)]
