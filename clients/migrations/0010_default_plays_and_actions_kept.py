"""A play for every early-warning rule (admins edit them), and closed actions kept for good.

On Postgres a trigger refuses to delete an action that is done, snoozed or dropped: closed
actions are the record of what the agency did about each signal. The demo's wipe sets
`godview.history_wipe` for its own transaction (see migration 0006).
"""

from django.db import migrations

# rule → (play name, [(step title, due offset in business days), ...])
DEFAULT_PLAYS = {
    "risk_score": (
        "High risk: save the account",
        [("Call the executive sponsor about the risk", 1), ("Agree a written recovery plan with the client", 5)],
    ),
    "stale_contact": (
        "Stale contact: reconnect",
        [("Call the main contact", 2), ("Send a value recap of the last month", 5)],
    ),
    "goal_hit_rate": (
        "Goals missed: reset the plan",
        [("Review the missed goals with the team", 2), ("Agree next week's goals with the client", 5)],
    ),
    "objective_behind": (
        "Objective behind pace: recover",
        [("Find what holds the objective back", 3), ("Propose a recovery tactic to the client", 7)],
    ),
    "overdue_tasks": (
        "Overdue work: clear the backlog",
        [("Triage the overdue tasks with the team", 1), ("Tell the client the new delivery dates", 3)],
    ),
    "risk_not_reassessed": (
        "Reassess the risk",
        [("Record a fresh risk assessment", 2)],
    ),
    "health_mismatch": (
        "Health and risk disagree: check",
        [("Compare the health signal's factors with your judgement", 2), ("Reassess the risk or explain why not", 3)],
    ),
    "nps_detractor": (
        "Detractor: close the loop",
        [("Call the detractor about their score", 2), ("Send what will change, in writing", 5)],
    ),
    "waiting_on_client": (
        "Waiting on the client: escalate",
        [("Remind the client of the expectation agreement", 1), ("Escalate to the executive sponsor", 4)],
    ),
    "hours_over_budget": (
        "Over budget: rescope",
        [("Review the hours logged against the budget", 2), ("Propose a rescope or an upsell", 7)],
    ),
}

POSTGRES_TRIGGER = """
CREATE OR REPLACE FUNCTION godview_action_kept() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'open' AND NOT godview_history_wipe() THEN
        RAISE EXCEPTION 'A closed or snoozed action is the record of what was done: it is never deleted.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER action_kept BEFORE DELETE ON clients_action
    FOR EACH ROW EXECUTE FUNCTION godview_action_kept();
"""

POSTGRES_TRIGGER_REVERSE = """
DROP TRIGGER IF EXISTS action_kept ON clients_action;
DROP FUNCTION IF EXISTS godview_action_kept();
"""


def create_plays(apps, schema_editor):
    Play = apps.get_model("clients", "Play")
    PlayStep = apps.get_model("clients", "PlayStep")
    for rule, (name, steps) in DEFAULT_PLAYS.items():
        play, created = Play.objects.get_or_create(rule=rule, defaults={"name": name})
        if created:
            PlayStep.objects.bulk_create(
                PlayStep(play=play, position=n, title=title, due_offset_days=offset)
                for n, (title, offset) in enumerate(steps, start=1)
            )


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("clients", "0009_actions_and_plays")]

    operations = [
        migrations.RunPython(create_plays, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
