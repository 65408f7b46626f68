"""Rules that live in the database where it can hold them, and default reference data.

On Postgres, triggers refuse to move a weekly goal's deadline or week, and to rewrite a risk
assessment, whatever path the UPDATE takes (ORM, admin, bulk update, raw SQL).
"""

from django.db import migrations

POSTGRES_TRIGGERS = """
CREATE OR REPLACE FUNCTION godview_weekly_goal_deadline_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.deadline IS DISTINCT FROM OLD.deadline OR NEW.week_start IS DISTINCT FROM OLD.week_start THEN
        RAISE EXCEPTION 'A weekly goal''s deadline is fixed; postpone the goal instead.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER weekly_goal_deadline_fixed BEFORE UPDATE ON clients_weeklygoal
    FOR EACH ROW EXECUTE FUNCTION godview_weekly_goal_deadline_fixed();

CREATE OR REPLACE FUNCTION godview_risk_assessment_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Risk assessments are append-only; record a new one.'
        USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER risk_assessment_append_only BEFORE UPDATE ON clients_riskassessment
    FOR EACH ROW EXECUTE FUNCTION godview_risk_assessment_append_only();
"""

POSTGRES_TRIGGERS_REVERSE = """
DROP TRIGGER IF EXISTS weekly_goal_deadline_fixed ON clients_weeklygoal;
DROP FUNCTION IF EXISTS godview_weekly_goal_deadline_fixed();
DROP TRIGGER IF EXISTS risk_assessment_append_only ON clients_riskassessment;
DROP FUNCTION IF EXISTS godview_risk_assessment_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS_REVERSE)


def create_defaults(apps, schema_editor):
    from clients.defaults import WARNING_RULES, default_tiers

    Tier = apps.get_model("clients", "Tier")
    WarningRule = apps.get_model("clients", "WarningRule")
    for tier in default_tiers():
        Tier.objects.get_or_create(code=tier["code"], defaults=tier)
    for code, threshold, help_text in WARNING_RULES:
        WarningRule.objects.get_or_create(code=code, defaults={"threshold": threshold, "help_text": help_text})


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
