# ruff: noqa: E501  (long SQL lines read better whole)
"""Build DESIGN's "large agency" profile on Postgres, fast: people and clients through COPY, the big
history tables set-based on the server (INSERT … SELECT FROM generate_series), then ANALYZE.

At 2,000 clients: 250 people, 40 pods, 2,000,000 tasks, 200,000 weekly goals, 60,000 risk
assessments, three years of contacts, NPS, revenue, time entries and daily snapshots. Smaller
profiles (20, 200 clients) scale every per-client quantity the same way.

    python -m bench.large_profile --clients 2000 --database gv_bench

The target database is dropped and recreated; it is never the one in DATABASE_URL's name unless
you ask for it.
"""

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS_DAYS = 3 * 365
PER_CLIENT = {"tasks": 1000, "goals": 100, "risk": 30, "contacts": 60, "nps": 6, "time": 150, "objectives": 8}
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def recreate_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def migrate(name: str) -> None:
    env = os.environ | {"DATABASE_URL": f"{SERVER}/{name}", "DEBUG": "true"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0", "--no-input"], cwd=ROOT, env=env, check=True)


def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def people_counts(clients: int) -> dict[str, int]:
    pods = max(1, round(40 * clients / 2000))
    people = max(5, round(250 * clients / 2000))
    ams = max(2, people - 2 * pods - max(1, people // 50))
    return {"pods": pods, "ams": ams, "leaders": max(1, people // 50)}


def build(name: str, clients: int) -> dict[str, int]:
    import psycopg2
    from django.contrib.auth.hashers import make_password

    counts = people_counts(clients)
    conn = psycopg2.connect(f"{SERVER}/{name}")
    cur = conn.cursor()
    password = make_password("godview")

    # --- people and pods (COPY) ---
    copy_rows(cur, "accounts_pod", ["id", "name"], ((i, f"Pod {i:02d}") for i in range(1, counts["pods"] + 1)))
    users = []
    uid = 0

    def user(username: str, role: str, pod: int | None) -> int:
        nonlocal uid
        uid += 1
        users.append(
            (uid, password, "f", username, username.title(), "", f"{username}@bench.test", "f", "t", "2024-01-01 00:00+00",
             role, "", 45 + uid % 20, pod)
        )  # fmt: skip
        return uid

    user("leader", "leadership", None)
    for i in range(1, counts["leaders"]):
        user(f"leader{i}", "leadership", None)
    leads = [user(f"lead{p}", "pod_lead", p) for p in range(1, counts["pods"] + 1)]
    ams = [user(f"am{i}", "account_manager", 1 + i % counts["pods"]) for i in range(counts["ams"])]
    for p in range(1, counts["pods"] + 1):
        user(f"designer{p}", "designer", p)
    copy_rows(
        cur,
        "accounts_user",
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active",
         "date_joined", "role", "title", "cost_rate", "pod_id"],
        users,
    )  # fmt: skip
    for p, lead in enumerate(leads, start=1):
        cur.execute("UPDATE accounts_pod SET lead_id = %s WHERE id = %s", [lead, p])
    cur.execute("SELECT setval('accounts_user_id_seq', %s)", [uid])
    cur.execute("SELECT setval('accounts_pod_id_seq', %s)", [counts["pods"]])
    cur.execute("SELECT id, code FROM clients_tier")
    tiers = dict((code, pk) for pk, code in cur.fetchall())

    # --- clients (COPY): 5% churned, 30% premium, started over three years ---
    rows = []
    for i in range(1, clients + 1):
        churned = i % 20 == 0
        started = f"CURRENT_DATE - {100 + (i * 37) % (YEARS_DAYS - 100)}"
        rows.append((i, f"Client {i:04d}", 1000 + (i * 131) % 15000, "USD", "churned" if churned else "adopting",
                     started, (i * 13) % 300 + 1 if churned else None, "price" if churned else "",
                     40, "", tiers["premium" if i % 10 < 3 else "standard"], ams[i % len(ams)]))  # fmt: skip
    cur.execute(
        "CREATE TEMP TABLE c (id int, name text, mrr numeric, currency text, stage text, started text, churn_ago int,"
        " reason text, budget numeric, website text, tier int, am int)"
    )
    copy_rows(cur, "c", ["id", "name", "mrr", "currency", "stage", "started", "churn_ago", "reason", "budget",
                         "website", "tier", "am"], rows)  # fmt: skip
    cur.execute(
        """INSERT INTO clients_client (id, name, mrr, currency, lifecycle_stage, started_on, churned_on, churn_reason,
               monthly_hours_budget, website, created_at, updated_at, account_manager_id, tier_id)
           SELECT id, name, mrr, currency, stage, CURRENT_DATE - (100 + (id * 37) %% %s)::int,
                  CASE WHEN churn_ago IS NULL THEN NULL ELSE CURRENT_DATE - churn_ago END, reason, budget, website,
                  now(), now(), am, tier FROM c""",
        [YEARS_DAYS - 100],
    )
    cur.execute("SELECT setval('clients_client_id_seq', %s)", [clients])

    n = clients
    log(f"{name}: {len(users)} people, {counts['pods']} pods, {clients} clients")

    # --- the big history tables, generated on the server ---
    cur.execute("INSERT INTO tasks_source (kind, name, base_url, workspace_id, token_env_var, enabled, unknown_assignees) "
                "VALUES ('asana', 'Asana', '', '1', 'ASANA_TOKEN', true, '[]'), "
                "('clickup', 'ClickUp', '', '2', 'CLICKUP_TOKEN', true, '[]')")  # fmt: skip
    cur.execute(
        """INSERT INTO tasks_syncrun (mode, status, queued_at, started_at, finished_at, fetched, created, updated,
               unchanged, skipped, deleted, time_entries, due_date_changes, progress, errors, error_message, source_id)
           SELECT 'incremental', 'succeeded', now() - make_interval(hours => h), now() - make_interval(hours => h),
                  now() - make_interval(hours => h) + interval '4 minutes', 1000, 10, 100, 890, 0, 0, 0, 3, '', '[]', '',
                  s.id
           FROM tasks_source s, generate_series(1, 200) h"""
    )
    tasks = n * PER_CLIENT["tasks"]
    cur.execute(
        f"""INSERT INTO tasks_task (external_id, name, assignee_email, section, parent_external_id, created_at_source,
               started_on, due_on, completed_at, modified_at, waiting_on_client_hours, synced_at, assignee_id, client_id,
               source_id)
           SELECT g::text, 'Task ' || g, '', '', '', due - make_interval(days => 10 + g % 20), (due::date - 5),
                  due::date,
                  CASE WHEN due::date < CURRENT_DATE AND g % 25 = 0 THEN NULL
                       WHEN due::date >= CURRENT_DATE AND g % 3 <> 0 THEN NULL
                       ELSE due + make_interval(hours => (g % 7 - 4) * 24 + 12) END,
                  now(), (g % 5 = 0)::int * 2, now(), c.account_manager_id, c.id, 1 + g % 2
           FROM (SELECT g, (CURRENT_DATE + 20 - ((g / {n}) % {YEARS_DAYS}))::timestamptz AS due
                 FROM generate_series(0, {tasks - 1}) g) t
           JOIN clients_client c ON c.id = 1 + g % {n}"""
    )
    # What each run's end counts (tasks.services.source_count_unknown_assignees).
    cur.execute(
        """UPDATE tasks_source s SET unknown_assignees = COALESCE((
             SELECT json_agg(json_build_array(e, n, o) ORDER BY n DESC, e) FROM (
               SELECT assignee_email AS e, count(*) AS n, count(*) FILTER (WHERE completed_at IS NULL) AS o
               FROM tasks_task t WHERE t.source_id = s.id AND t.assignee_id IS NULL AND t.assignee_email <> ''
                 AND t.deleted_at IS NULL GROUP BY assignee_email) AS unknown), '[]')"""
    )
    log(f"{name}: {tasks} tasks")
    goals = n * PER_CLIENT["goals"]
    cur.execute(
        f"""INSERT INTO clients_weeklygoal (title, week_start, deadline, status, done_at, cancel_reason,
               shared_with_client, waiting_on_client_hours, created_at, client_id, owner_id)
           SELECT 'Goal ' || g, wk, (wk + 7)::timestamptz - interval '1 second',
                  CASE WHEN g % 20 = 0 THEN 'cancelled' WHEN wk >= date_trunc('week', CURRENT_DATE)::date THEN 'open'
                       WHEN g % 10 < 7 THEN 'done' WHEN g % 10 = 7 THEN 'done' ELSE 'open' END,
                  CASE WHEN g % 20 = 0 OR wk >= date_trunc('week', CURRENT_DATE)::date THEN NULL
                       WHEN g % 10 < 7 THEN (wk + 4)::timestamptz WHEN g % 10 = 7 THEN (wk + 9)::timestamptz END,
                  CASE WHEN g % 20 = 0 THEN 'Dropped' ELSE '' END, true, (g % 4)::numeric, now(), c.id,
                  c.account_manager_id
           FROM (SELECT g, 1 + g % {n} AS cid, (date_trunc('week', CURRENT_DATE)::date - 7 * ((g / {n}) - 1)) AS wk
                 FROM generate_series(0, {goals - 1}) g) x JOIN clients_client c ON c.id = x.cid"""
    )
    log(f"{name}: {goals} weekly goals")
    cur.execute(
        f"""INSERT INTO clients_riskassessment (score, communication_level, reasons, note, assessed_at, assessed_by_id,
               client_id)
           SELECT 1 + (g * 7 + g / {n}) % 4, 1 + g % 4, '["low_usage"]', '', now() - make_interval(days => 36 * (g / {n}) + g % 30),
                  c.account_manager_id, c.id
           FROM generate_series(0, {n * PER_CLIENT["risk"] - 1}) g JOIN clients_client c ON c.id = 1 + g % {n}"""
    )  # fmt: skip
    cur.execute(
        f"""INSERT INTO clients_contact (contacted_on, channel, who, summary, sentiment, created_at, client_id)
           SELECT CURRENT_DATE - (18 * (g / {n}) + g % 17), 'call', 'CMO', 'Check-in', 'neutral', now(), 1 + g % {n}
           FROM generate_series(0, {n * PER_CLIENT["contacts"] - 1}) g"""
    )
    cur.execute(
        f"""INSERT INTO clients_npsresponse (score, comment, respondent, responded_on, client_id, recorded_at)
           SELECT g % 11, '', '', CURRENT_DATE - (180 * (g / {n}) + g % 60), 1 + g % {n}, now()
           FROM generate_series(0, {n * PER_CLIENT["nps"] - 1}) g"""
    )
    cur.execute(
        """INSERT INTO clients_revenueevent (kind, amount, occurred_on, note, client_id, recorded_at)
           SELECT 'new', mrr, started_on, '', id, now() FROM clients_client
           UNION ALL SELECT 'expansion', 500, started_on + 60, '', id, now() FROM clients_client WHERE id % 4 = 0
           UNION ALL SELECT 'churn', mrr, churned_on, '', id, now() FROM clients_client WHERE churned_on IS NOT NULL"""
    )
    cur.execute(
        f"""INSERT INTO clients_objective (title, metric, baseline, target, current_value, start_date, due_date, status,
               origin, created_at, updated_at, client_id)
           SELECT 'Objective ' || g, 'leads', 100, 200, 100 + g % 100, CURRENT_DATE - (90 * (g / {n}) + 30),
                  CURRENT_DATE - (90 * (g / {n}) + 30) + 90,
                  CASE WHEN g / {n} = 0 THEN 'on_track' ELSE 'achieved' END, 'quarter', now(), now(), 1 + g % {n}
           FROM generate_series(0, {n * PER_CLIENT["objectives"] - 1}) g"""
    )
    cur.execute(
        f"""INSERT INTO tasks_timeentry (started_at, hours, description, client_id, user_id)
           SELECT now() - make_interval(days => (g / {n}) * 7 % {YEARS_DAYS}), 1 + g % 4, '', c.id, c.account_manager_id
           FROM generate_series(0, {n * PER_CLIENT["time"] - 1}) g JOIN clients_client c ON c.id = 1 + g % {n}"""
    )
    cur.execute(
        """INSERT INTO training_trainingmodule (title, category, required_roles, passing_score, version, procedure,
               procedure_url, active)
           SELECT 'Module ' || g, 'Core', '["account_manager", "pod_lead"]', 80, 1, '', '', true
           FROM generate_series(1, 10) g"""
    )
    cur.execute(
        """INSERT INTO training_trainingresult (version, completed_on, score, passed, module_id, user_id)
           SELECT 1, CURRENT_DATE - (u.id % 300)::int, 60 + (u.id * m.id) % 41, 60 + (u.id * m.id) % 41 >= 80, m.id, u.id
           FROM accounts_user u CROSS JOIN training_trainingmodule m
           WHERE u.role IN ('account_manager', 'pod_lead') AND (u.id + m.id) % 5 <> 0"""
    )
    # Three years of daily snapshots: history for trend charts (the nightly rollup writes today's).
    cur.execute(
        f"""INSERT INTO clients_dailysnapshot (date, is_active, mrr, risk_score, health_score, days_since_contact,
               goals_due, goals_hit, tasks_due, tasks_on_time, open_tasks, overdue_tasks, slipped_tasks, hours, warnings,
               client_id)
           SELECT d, c.churned_on IS NULL OR c.churned_on > d, c.mrr, 1 + (c.id + (CURRENT_DATE - d) / 36) % 4,
                  1 + (c.id * 3 + (CURRENT_DATE - d) / 40) % 4, (c.id + (CURRENT_DATE - d)) % 18,
                  CASE WHEN extract(isodow FROM d) = 7 THEN 1 ELSE 0 END,
                  CASE WHEN extract(isodow FROM d) = 7 AND (c.id + (CURRENT_DATE - d)) % 10 < 7 THEN 1 ELSE 0 END,
                  1, ((c.id + (CURRENT_DATE - d)) % 10 < 8)::int, 30, (c.id + (CURRENT_DATE - d)) % 5, c.id % 4, 1.5,
                  c.id % 3, c.id
           FROM clients_client c
           CROSS JOIN generate_series(CURRENT_DATE - {YEARS_DAYS}, CURRENT_DATE - 1, interval '1 day') AS days(d0)
           CROSS JOIN LATERAL (SELECT d0::date AS d) x
           WHERE c.started_on <= d"""
    )
    # Their weeks, summed as each rollup keeps them (godview.rollup.refresh_weeks).
    cur.execute(
        """INSERT INTO clients_weeklysnapshot (client_id, week_start, tasks_due, tasks_on_time, goals_due, goals_hit,
                                                 risk_sum, risk_days, sunday_risk)
           SELECT client_id, date_trunc('week', date)::date, sum(tasks_due), sum(tasks_on_time), sum(goals_due),
                  sum(goals_hit), coalesce(sum(risk_score), 0), count(risk_score),
                  max(coalesce(risk_score, 0)) FILTER (WHERE extract(isodow FROM date) = 7 AND is_active)
           FROM clients_dailysnapshot GROUP BY client_id, date_trunc('week', date)::date"""
    )
    # And per account manager, tier and week (clients.models.snapshot_weeks).
    cur.execute(
        """INSERT INTO clients_snapshotweek (account_manager_id, tier_id, week_start, tasks_due, tasks_on_time,
                                               risk_sum, risk_days, sunday_active, sunday_risk_1, sunday_risk_2,
                                               sunday_risk_3, sunday_risk_4)
           SELECT c.account_manager_id, c.tier_id, w.week_start, sum(w.tasks_due), sum(w.tasks_on_time),
                  sum(w.risk_sum), sum(w.risk_days), count(w.sunday_risk),
                  count(*) FILTER (WHERE w.sunday_risk = 1), count(*) FILTER (WHERE w.sunday_risk = 2),
                  count(*) FILTER (WHERE w.sunday_risk = 3), count(*) FILTER (WHERE w.sunday_risk = 4)
           FROM clients_weeklysnapshot w JOIN clients_client c ON c.id = w.client_id GROUP BY 1, 2, 3"""
    )
    # Their months of hours, as each rollup keeps them (tasks.hours.refresh_months).
    from django.conf import settings

    from tasks.load import LOAD_DAYS

    cur.execute(
        """INSERT INTO tasks_monthlyhours (client_id, user_id, month, hours)
           SELECT client_id, user_id, date_trunc('month', started_at AT TIME ZONE %s)::date, sum(hours)
           FROM tasks_timeentry WHERE client_id IS NOT NULL GROUP BY 1, 2, 3""",
        [settings.TIME_ZONE],
    )
    # Every person's weeks of hours and today's load (tasks.hours.refresh_person_weeks, tasks.load).
    cur.execute(
        """INSERT INTO tasks_weeklyhours (user_id, week_start, hours)
           SELECT user_id, date_trunc('week', started_at AT TIME ZONE %s)::date, sum(hours)
           FROM tasks_timeentry WHERE user_id IS NOT NULL GROUP BY 1, 2""",
        [settings.TIME_ZONE],
    )
    cur.execute(
        """INSERT INTO tasks_personload (user_id, as_of, tasks)
           SELECT assignee_id, CURRENT_DATE, count(*) FROM tasks_task
           WHERE completed_at IS NULL AND deleted_at IS NULL AND assignee_id IS NOT NULL
             AND due_on BETWEEN CURRENT_DATE AND CURRENT_DATE + %s GROUP BY 1""",
        [LOAD_DAYS],
    )
    log(f"{name}: history tables and snapshots")
    conn.commit()
    conn.autocommit = True
    cur.execute("VACUUM ANALYZE")
    out = {}
    for table in ("clients_client", "tasks_task", "clients_weeklygoal", "clients_riskassessment", "accounts_user",
                  "accounts_pod", "clients_dailysnapshot", "clients_weeklysnapshot", "tasks_weeklyhours",
                  "tasks_personload"):  # fmt: skip
        cur.execute(f"SELECT count(*) FROM {table}")
        out[table] = cur.fetchone()[0]
    conn.close()
    return out


def main(argv: list[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--database", default="gv_bench")
    args = parser.parse_args(argv)
    from bench._env import setup

    setup(args.database)  # this process goes on to measure it (bench.screens): settings point there
    began = time.monotonic()
    recreate_database(args.database)
    migrate(args.database)
    counts = build(args.database, args.clients)
    # Open the early warnings of today, as the nightly job would (not timed here; bench.dashboard times it).
    env = os.environ | {"DATABASE_URL": f"{SERVER}/{args.database}"}
    subprocess.run([sys.executable, "manage.py", "rollup"], cwd=ROOT, env=env, check=True)
    # The rollup opened the warnings and wrote today's rows after the VACUUM ANALYZE: without new
    # statistics the planner took 29,587 open warnings for 63 (a pod page's count: 114 ms, not 2).
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/{args.database}")
    conn.autocommit = True
    conn.cursor().execute("ANALYZE")
    conn.close()
    log(f"{args.database}: built in {time.monotonic() - began:.0f}s: {counts}")
    return counts


if __name__ == "__main__":
    main()
