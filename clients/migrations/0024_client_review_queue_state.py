"""What the review queue compares, stored on the client with the rest of its current state (the
latest assessment, the latest snapshot's health signal and its date), so the database filters,
orders and pages the queue; filled from the rows for existing installations (one UPDATE), then
indexed in the queue's order (only the clients in it)."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.math
import django.db.models.lookups
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    RiskAssessment = apps.get_model("clients", "RiskAssessment")
    DailySnapshot = apps.get_model("clients", "DailySnapshot")
    risk = RiskAssessment.objects.filter(client=OuterRef("pk")).order_by("-assessed_at", "-pk")
    snapshot = DailySnapshot.objects.filter(client=OuterRef("pk")).order_by("-date")
    Client.objects.update(
        latest_assessment=Subquery(risk.values("pk")[:1]),
        latest_risk_score=Subquery(risk.values("score")[:1]),
        latest_health_score=Subquery(snapshot.values("health_score")[:1]),
        latest_health_on=Subquery(snapshot.values("date")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0023_weekly_snapshots'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='latest_assessment',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='clients.riskassessment', verbose_name='latest risk assessment'),
        ),
        migrations.AddField(
            model_name='client',
            name='latest_health_on',
            field=models.DateField(editable=False, null=True, verbose_name='health signal as of'),
        ),
        migrations.AddField(
            model_name='client',
            name='latest_health_score',
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name='latest health signal'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(models.OrderBy(django.db.models.functions.math.Abs(django.db.models.expressions.CombinedExpression(models.F('latest_health_score'), '-', models.F('latest_risk_score'))), descending=True), models.F('latest_risk_score'), models.F('name'), models.F('id'), condition=models.Q(('churned_on__isnull', True), django.db.models.lookups.GreaterThanOrEqual(django.db.models.functions.math.Abs(django.db.models.expressions.CombinedExpression(models.F('latest_health_score'), '-', models.F('latest_risk_score'))), 2)), name='client_review_queue'),
        ),
    ]
