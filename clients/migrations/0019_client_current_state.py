"""Each client's current state (latest risk score, last contact, open early warnings) stored on
the client (issue 19), filled from the rows for existing installations."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    RiskAssessment = apps.get_model("clients", "RiskAssessment")
    Contact = apps.get_model("clients", "Contact")
    EarlyWarning = apps.get_model("clients", "EarlyWarning")
    risk = RiskAssessment.objects.filter(client=OuterRef("pk")).order_by("-assessed_at", "-pk").values("score")[:1]
    contact = Contact.objects.filter(client=OuterRef("pk")).order_by("-contacted_on").values("contacted_on")[:1]
    warnings = (
        EarlyWarning.objects.filter(client=OuterRef("pk"), resolved_on__isnull=True)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Client.objects.update(
        latest_risk_score=Subquery(risk),
        latest_contact_on=Subquery(contact),
        open_warning_count=Coalesce(Subquery(warnings), Value(0)),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0018_snapshot_rule_inputs'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='latest_contact_on',
            field=models.DateField(editable=False, null=True, verbose_name='last contact'),
        ),
        migrations.AddField(
            model_name='client',
            name='latest_risk_score',
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name='latest risk score'),
        ),
        migrations.AddField(
            model_name='client',
            name='open_warning_count',
            field=models.PositiveIntegerField(db_default=0, editable=False, verbose_name='open early warnings'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
