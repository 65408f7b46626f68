"""Load test (issue 7): 20 concurrent users for 60 s against gunicorn on the large demo.

    python -m bench.load                      # writes bench/RESULTS-load.md
    python -m bench.load --users 20 --run-time 60s --workers 4 --port 8106 --database gv_load

What it does, in order: creates the database if missing, migrates it and seeds it with
`seed_demo --clients 2000 --if-empty` (the large demo, reused when already there) and ANALYZEs it;
installs locust into this venv if missing (a benchmark tool, not a dependency of the app); writes
the plan (which leaders and AMs sign in, and the AMs' clients); starts gunicorn with production
settings; waits for /healthz; warms each worker up (templates, connections, the snapshot caches as
on a normal day); runs locust headless (bench/locustfile.py); always stops gunicorn; writes the
report. Every run adds ~80 "Load test goal …" weekly goals to the load database.

gunicorn: 4 sync workers by default. The box has 2 cores shared with Postgres, Redis and locust
itself; requests are CPU-bound Python plus short Postgres queries, so ~2 workers per core keeps
both cores busy while one worker waits on the database, without the context-switching and memory
of more. Sync workers (not gthread): Django's ORM work holds the GIL, so threads add little here.
`--preload` imports the app once before forking.
"""

import argparse
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
LOCUST_VERSION = "2.47.0"
P95_TARGET_MS = 500  # issue 7, with think time
P95_NO_THINK_MS = 300  # DESIGN's budget: 20 users with no think time
PASSWORD = "godview"


def app_env(database: str, port: int) -> dict[str, str]:
    """Production-like settings: DEBUG off, a secret key, Redis for cache and sessions."""
    env = os.environ.copy()
    env.update(
        DATABASE_URL=f"{SERVER}/{database}",
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "load-bench-only-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        REDIS_URL=env.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/6"),
        DJANGO_SETTINGS_MODULE="godview.settings",
    )
    return env


def run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    shown = ["<script>" if "\n" in part else part for part in command]
    print("$", " ".join(shown), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def prepare_database(database: str, clients: int, env: dict[str, str]) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{database}"')
    conn.close()
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "-v0"], env)
    run([*manage, "seed_demo", "--clients", str(clients), "--if-empty"], env)
    # Planner statistics, also for a database seeded before seed_demo ran ANALYZE itself (autovacuum
    # may be off, as on this machine); a live database has them from autovacuum.
    conn = psycopg2.connect(f"{SERVER}/{database}")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("ANALYZE")
    conn.close()


def ensure_locust() -> None:
    found = subprocess.run([sys.executable, "-c", "import locust"], capture_output=True)
    if found.returncode != 0:
        run([sys.executable, "-m", "pip", "install", "-q", f"locust=={LOCUST_VERSION}"], os.environ.copy())


PLAN_SCRIPT = """
import json, sys
import django
django.setup()
from accounts.models import Pod, Role, User
from clients.models import Client, Tier
leaders = User.objects.filter(role=Role.LEADERSHIP, is_active=True).order_by("pk")
leaders = list(leaders.values_list("username", flat=True))
ams = {}
for am in User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True).order_by("pk"):
    ids = list(Client.objects.filter(account_manager=am).order_by("pk").values_list("pk", flat=True))
    if ids:
        ams[am.username] = ids
    if len(ams) == int(sys.argv[1]):
        break
plan = {
    "password": sys.argv[2],
    "leaders": leaders,
    "ams": ams,
    "pods": list(Pod.objects.values_list("pk", flat=True)),
    "people": list(User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True).values_list("pk", flat=True)),
    "clients": list(Client.objects.values_list("pk", flat=True)),
    "tiers": list(Tier.objects.values_list("code", flat=True)),
}
print(json.dumps(plan))
"""


def write_plan(env: dict[str, str], users: int, path: Path) -> dict:
    done = run([sys.executable, "-c", PLAN_SCRIPT, str(users), PASSWORD], env, capture_output=True, text=True)
    plan = json.loads(done.stdout.strip().splitlines()[-1])
    if not plan["leaders"] or not plan["ams"]:
        raise SystemExit("the database has no leaders or no AMs with clients: seed it first")
    path.write_text(json.dumps(plan))
    return plan


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in time")


def warm_up(port: int, plan: dict, workers: int) -> None:
    """A production server is warm: each worker has compiled its templates and opened its database
    connection. Sign in once as a leader and an AM and fetch each kind of page a few times per
    worker, so the measured minute is the steady state, not four cold starts."""
    import re

    import requests

    base = f"http://127.0.0.1:{port}"
    am = next(iter(plan["ams"]))
    client = plan["ams"][am][0]
    hx = {"HX-Request": "true"}
    pages = {
        plan["leaders"][0]: [
            "/", "/widgets/warnings/", "/widgets/risk/", "/widgets/heatmap/", "/widgets/pods/",
            "/widgets/people/", "/widgets/performers/", "/widgets/freshness/", "/training/panel/",
            f"/clients/{client}/", f"/pods/{plan['pods'][0]}/", f"/people/{plan['people'][0]}/",
        ],
        am: ["/my/", "/my/week/", f"/clients/{client}/work/", f"/clients/{client}/work/goal/"],
    }  # fmt: skip
    for username, urls in pages.items():
        session = requests.Session()
        page = session.get(f"{base}/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        for cookie in session.cookies:
            cookie.secure = False  # Secure cookies over loopback HTTP (see the locustfile)
        session.post(
            f"{base}/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )
        for cookie in session.cookies:
            cookie.secure = False
        for _ in range(2 * workers):
            for url in urls:
                session.get(f"{base}{url}", headers=hx if "/widgets/" in url or "/panel/" in url else {}, timeout=30)


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """pid → (group, CPU seconds so far) of live processes; groups: gunicorn, postgres, redis, other."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, float]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        comm = stat.split("(", 1)[1].rsplit(")", 1)[0]
        group = next((name for name in ("gunicorn", "postgres", "redis") if name in cmdline or name in comm), "other")
        found[int(proc.name)] = (group, seconds)
    return found


def cpu_delta(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per group between two snapshots, per process: a process started during the run
    (a database connection reopened after CONN_MAX_AGE) counts from zero; one that ended is lost."""
    groups: dict[str, float] = {}
    for pid, (group, seconds) in after.items():
        groups[group] = groups.get(group, 0.0) + seconds - before.get(pid, (group, 0.0))[1]
    return groups


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def ms(value: str) -> str:
    return "–" if value in ("", "N/A") else f"{float(value):.0f}"


def write_results(args, stats: list[dict], failures: list[dict], machine: dict) -> Path:
    total = next(row for row in stats if row["Name"] == "Aggregated")
    rows = sorted((r for r in stats if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))
    errors = int(total["Failure Count"])
    p95 = float(total["95%"])
    target = P95_NO_THINK_MS if args.no_think else P95_TARGET_MS
    met = "yes" if errors == 0 and p95 <= target else "NO"
    lines = [
        "# Load test",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine"
        f" ({os.cpu_count()} shared cores);"
        f" `python -m bench.load` (bench/locustfile.py, locust {LOCUST_VERSION}).",
        f"{args.users} concurrent users (spawn rate {args.spawn_rate}/s) for {args.run_time},"
        f" {'no think time' if args.no_think else 'think time 1–3 s'}, against"
        f" gunicorn ({args.workers} sync workers) with production settings (DEBUG off, Redis cache and sessions) on"
        f" database `{args.database}` ({args.found:,} clients; seeded by `seed_demo --clients {args.clients}` when"
        " empty, else used as it is: the network profile is built by bench/large_profile.py).",
        "Half the users are leaders (God-view page + its 7 htmx widgets, filter changes as body swaps + widgets,"
        " client/pod/person drill-downs), half are AMs (`/my/`, `/my/week/`, a client's panel and its goals"
        " partial, and logging a weekly goal: GET the form, POST it with its CSRF and one-time tokens).",
        "Each user signs in once. Locust, gunicorn and Postgres share the same 2 cores.",
        "",
        f"Target: zero errors, p95 ≤ {target} ms. **Met: {met}.**",
        "",
        f"- Requests: {total['Request Count']}, throughput **{float(total['Requests/s']):.1f} req/s**",
        f"- Overall p50 / p95 / p99: **{ms(total['50%'])} / {ms(total['95%'])} / {ms(total['99%'])} ms**"
        f" (mean {ms(total['Average Response Time'])} ms, max {ms(total['Max Response Time'])} ms)",
        f"- Errors: **{errors}**",
        f"- Machine: CPU {machine['cpu_pct']:.0f}% busy over the run (both cores, everything on the box);"
        f" load average {machine['load_before']} before, {machine['load_after']} after (1/5/15 min)",
        f"- CPU seconds by process over the {machine['seconds']:.0f} s run"
        f" (of {machine['seconds'] * (os.cpu_count() or 1):.0f} available): {machine['by_process']}"
        " (other = the rest of the box, e.g. other people's jobs)",
        "",
        "| request | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['Type']} {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {float(r['Requests/s']):.1f}"
            f" | {ms(r['50%'])} | {ms(r['95%'])} | {ms(r['99%'])} | {ms(r['Max Response Time'])} |"
        )
    if failures:
        lines += ["", "Failures:", ""]
        lines += [f"- {f['Method']} {f['Name']}: {f['Error'][:200]} (×{f['Occurrences']})" for f in failures]
    path = args.out or ROOT / "bench" / "RESULTS-load.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="God-view load test (locust against gunicorn)")
    parser.add_argument("--database", default="gv_load")
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--no-think", action="store_true", help="no think time: each user's next request at once")
    parser.add_argument("--out", type=Path, help="where to write the report (default bench/RESULTS-load.md)")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])

    env = app_env(args.database, args.port)
    prepare_database(args.database, args.clients, env)
    ensure_locust()
    work = Path(tempfile.mkdtemp(prefix="gv-load-"))
    plan = write_plan(env, args.users, work / "plan.json")
    print(f"plan: {len(plan['leaders'])} leaders, {len(plan['ams'])} AMs", flush=True)
    args.found = len(plan["clients"])

    bin_dir = Path(sys.executable).parent
    gunicorn = [str(bin_dir / "gunicorn"), "godview.wsgi", "--bind", f"127.0.0.1:{args.port}"]
    gunicorn += ["--workers", str(args.workers), "--worker-class", "sync", "--timeout", "60"]
    gunicorn += ["--preload"]  # import the app once, before forking
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(args.port, server)
        warm_up(args.port, plan, args.workers)
        load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        busy0, total0 = cpu_times()
        procs0 = cpu_by_process()
        locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
        locust += ["--host", f"http://127.0.0.1:{args.port}", "--users", str(args.users)]
        locust += ["--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time, "--csv", str(work / "locust")]
        locust += ["--only-summary", "--stop-timeout", "10"]
        # locust exits 1 when any request failed: the report says so, the run itself is not broken.
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        think = {"GV_LOAD_THINK": "0" if args.no_think else "1"}
        subprocess.run(locust, cwd=ROOT, env=env | think | {"GV_LOAD_PLAN": str(work / "plan.json")}, check=False)
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy1, total1 = cpu_times()
        procs = cpu_delta(procs0, cpu_by_process())
        procs["locust (load generator)"] = (
            children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime
        )
        load_after = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    machine = {
        "cpu_pct": 100 * (busy1 - busy0) / max(1, total1 - total0),
        "load_before": load_before,
        "load_after": load_after,
        "by_process": ", ".join(
            f"{name} {sec:.0f} s" for name, sec in sorted(procs.items(), key=lambda kv: -kv[1]) if sec >= 0.5
        ),
        "seconds": (total1 - total0) / os.sysconf("SC_CLK_TCK") / (os.cpu_count() or 1),
    }
    with open(f"{work / 'locust'}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    path = write_results(args, read_stats(work / "locust"), failures, machine)
    print(path.read_text())
    print(f"wrote {path} (raw CSV and gunicorn log in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
