"""The weeks keep their risk too (the days' scores summed, and the days that have one), so the
coaching window reads weeks instead of days; filled from the daily snapshots in one UPDATE."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # set-based: millions of days at the network profile
        schema_editor.execute(
            """UPDATE clients_weeklysnapshot w SET risk_sum = d.risk_sum, risk_days = d.risk_days
               FROM (SELECT client_id, date_trunc('week', date)::date AS week,
                            coalesce(sum(risk_score), 0) AS risk_sum, count(risk_score) AS risk_days
                     FROM clients_dailysnapshot GROUP BY 1, 2) d
               WHERE w.client_id = d.client_id AND w.week_start = d.week"""
        )
        return
    DailySnapshot = apps.get_model("clients", "DailySnapshot")
    WeeklySnapshot = apps.get_model("clients", "WeeklySnapshot")
    days = (
        DailySnapshot.objects.annotate(week=TruncWeek("date", output_field=models.DateField()))
        .filter(client=OuterRef("client"), week=OuterRef("week_start"))
        .order_by()
        .values("client")
    )
    WeeklySnapshot.objects.update(
        risk_sum=Coalesce(Subquery(days.annotate(n=Sum("risk_score")).values("n")), 0),
        risk_days=Coalesce(Subquery(days.annotate(n=Count("risk_score")).values("n")), 0),
    )


class Migration(migrations.Migration):
    dependencies = [("clients", "0024_client_review_queue_state")]

    operations = [
        migrations.AddField(
            model_name="weeklysnapshot", name="risk_days", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddField(model_name="weeklysnapshot", name="risk_sum", field=models.PositiveIntegerField(default=0)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # The period sums read the index alone, the risk's too.
        migrations.RemoveIndex(model_name="weeklysnapshot", name="weekly_week_client_covering"),
        migrations.AddIndex(
            model_name="weeklysnapshot",
            index=models.Index(
                fields=["week_start", "client"],
                include=["tasks_due", "tasks_on_time", "risk_sum", "risk_days"],
                name="weekly_week_client_sums",
            ),
        ),
    ]
