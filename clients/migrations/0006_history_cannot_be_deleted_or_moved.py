"""What has counted stays where it counted, whatever path the write takes (ORM, admin, raw SQL).

On Postgres, triggers refuse:
- to move a weekly goal to another client or person, or to cancel it after its deadline;
- to delete a weekly goal whose deadline has passed, or any postponement;
- to change or delete a submitted quarterly review.
The demo's wipe (a development tool) sets `godview.history_wipe` for its own transaction.
"""

from django.db import migrations

POSTGRES_TRIGGERS = """
CREATE OR REPLACE FUNCTION godview_history_wipe() RETURNS boolean AS $$
    SELECT coalesce(current_setting('godview.history_wipe', true), '') = 'on'
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION godview_weekly_goal_stays() RETURNS trigger AS $$
BEGIN
    IF NEW.client_id IS DISTINCT FROM OLD.client_id OR NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
        RAISE EXCEPTION 'A weekly goal never moves to another client or person.'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' AND now() > OLD.deadline THEN
        RAISE EXCEPTION 'The deadline has passed: the goal is a miss and cannot be cancelled.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER weekly_goal_stays BEFORE UPDATE ON clients_weeklygoal
    FOR EACH ROW EXECUTE FUNCTION godview_weekly_goal_stays();

CREATE OR REPLACE FUNCTION godview_weekly_goal_kept() RETURNS trigger AS $$
BEGIN
    IF OLD.deadline < now() AND NOT godview_history_wipe() THEN
        RAISE EXCEPTION 'A weekly goal whose deadline has passed has counted: it is never deleted.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER weekly_goal_kept BEFORE DELETE ON clients_weeklygoal
    FOR EACH ROW EXECUTE FUNCTION godview_weekly_goal_kept();

CREATE OR REPLACE FUNCTION godview_postponement_kept() RETURNS trigger AS $$
BEGIN
    IF NOT godview_history_wipe() THEN
        RAISE EXCEPTION 'Postponements are history: they are never deleted.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER postponement_kept BEFORE DELETE ON clients_postponement
    FOR EACH ROW EXECUTE FUNCTION godview_postponement_kept();

CREATE OR REPLACE FUNCTION godview_submitted_review_kept() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'submitted' AND NOT godview_history_wipe() THEN
        RAISE EXCEPTION 'A submitted quarterly review is a record of what was agreed: it is never changed or deleted.'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER submitted_review_kept BEFORE UPDATE OR DELETE ON clients_quarterlyreview
    FOR EACH ROW EXECUTE FUNCTION godview_submitted_review_kept();
"""

POSTGRES_TRIGGERS_REVERSE = """
DROP TRIGGER IF EXISTS weekly_goal_stays ON clients_weeklygoal;
DROP FUNCTION IF EXISTS godview_weekly_goal_stays();
DROP TRIGGER IF EXISTS weekly_goal_kept ON clients_weeklygoal;
DROP FUNCTION IF EXISTS godview_weekly_goal_kept();
DROP TRIGGER IF EXISTS postponement_kept ON clients_postponement;
DROP FUNCTION IF EXISTS godview_postponement_kept();
DROP TRIGGER IF EXISTS submitted_review_kept ON clients_quarterlyreview;
DROP FUNCTION IF EXISTS godview_submitted_review_kept();
DROP FUNCTION IF EXISTS godview_history_wipe();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_goal_integrity_waiting_and_agreement")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
