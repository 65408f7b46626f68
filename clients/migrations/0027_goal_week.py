"""The weekly goals the hit rate counts, per account manager, tier and week (issue 19), filled from
the goals (the rule of `WeeklyGoalQuerySet.counted`, as it stands at this migration)."""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


FILL = """
INSERT INTO clients_goalweek (account_manager_id, tier_id, week_start, due, hit, tied)
SELECT c.account_manager_id, c.tier_id, g.week_start, COUNT(*),
    SUM(CASE WHEN g.status = 'done' AND g.done_at <= g.deadline THEN 1 ELSE 0 END),
    SUM(CASE WHEN g.objective_id IS NOT NULL THEN 1 ELSE 0 END)
FROM clients_weeklygoal g JOIN clients_client c ON c.id = g.client_id
WHERE NOT (g.status = 'cancelled' AND g.recreated_as_id IS NULL
           AND (g.status_changed_at IS NULL OR g.status_changed_at <= g.deadline))
GROUP BY c.account_manager_id, c.tier_id, g.week_start
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0026_client_oldest_open_action"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="GoalWeek",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("week_start", models.DateField(verbose_name="week (Monday)")),
                ("due", models.IntegerField(default=0)),
                ("hit", models.IntegerField(default=0)),
                ("tied", models.IntegerField(default=0)),
                (
                    "account_manager",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="clients.tier"),
                ),
            ],
            options={
                "verbose_name": "goal week",
                "verbose_name_plural": "goal weeks",
                "indexes": [
                    models.Index(
                        fields=["week_start"],
                        include=("account_manager", "tier", "due", "hit", "tied"),
                        name="goal_week_week",
                    ),
                    models.Index(
                        fields=["account_manager", "week_start"],
                        include=("tier", "due", "hit", "tied"),
                        name="goal_week_am",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.comparison.Coalesce("account_manager", models.Value(0)),
                        models.F("tier"),
                        models.F("week_start"),
                        name="goal_week_one_per_cell",
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
