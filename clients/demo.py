"""A deterministic, believable demo agency for `manage.py seed_demo`.

Same seed, same agency: every random choice comes from `random.Random` streams seeded with
(seed, client index, aspect), never the global generator, so one client's history does not
depend on how many others there are or in which order they are written. Dates are relative to
`clients.weeks.today()`: the demo always ends this week.

Shape: a leadership team, pods of two AMs and a designer led by a pod lead (one pod per 20
clients), 18 months of weekly goals, risk assessments, contacts, NPS, objectives, reviews,
tactics, experiments, revenue events, training results, and tasks and time entries "as if
synced" from one Asana and one ClickUp source. About 12% of clients churn in the window with
signals that worsen in the months before; about 6% of active clients are slipping now.

Rows are written with `bulk_create` in batches, a few dozen clients at a time, so memory stays
flat and 2,000 clients take a few minutes on Postgres.
"""

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from accounts.models import Pod, Role, User
from clients.models import (
    ChurnReason,
    Client,
    Contact,
    DailySnapshot,
    EarlyWarning,
    Experiment,
    KickoffItem,
    LifecycleStage,
    NPSResponse,
    Objective,
    Outcome,
    Postponement,
    QuarterlyReview,
    RevenueEvent,
    ReviewDecision,
    RiskAssessment,
    RiskReason,
    Tactic,
    Tier,
    WeeklyGoal,
)
from clients.rollup import rollup_range
from clients.scoring import objective_pace
from clients.weeks import agency_tz, quarter_of, quarter_start, today, week_deadline, week_start
from godview.models import AuditEntry
from tasks.models import ExternalProject, Source, SyncRun, Task, TimeEntry
from training.models import TrainingModule, TrainingResult

MIN_CLIENTS = 20
MAX_CLIENTS = 2000
DEFAULT_CLIENTS = 160
DEFAULT_SEED = 42
# 53 weeks: the longest God-view period (26 weeks) and the one before it, for the deltas.
DEFAULT_ROLLUP_DAYS = 371
PASSWORD = "godview"
DEMO_LOGINS = ("leader", "podlead", "am", "designer", "admin")
HISTORY_WEEKS = 78  # 18 months
CLIENTS_PER_POD = 20
CHURN_SHARE = 0.12
SLIPPING_SHARE = 0.06
CHUNK = 40  # clients generated and written together
BATCH = 2000  # rows per INSERT
EMAIL_DOMAIN = "brightpath.example"
ZERO = Decimal("0")

# The models build_demo writes, in the order a reset must empty them (children first).
WIPE_ORDER: tuple[type[models.Model], ...] = (
    AuditEntry,
    TimeEntry,
    Task,
    SyncRun,
    ExternalProject,
    Source,
    TrainingResult,
    TrainingModule,
    ReviewDecision,
    EarlyWarning,
    DailySnapshot,
    Postponement,
    WeeklyGoal,
    Objective,
    KickoffItem,
    RiskAssessment,
    Contact,
    QuarterlyReview,
    Tactic,
    Experiment,
    NPSResponse,
    RevenueEvent,
    Client,
)
SUMMARY_MODELS: tuple[type[models.Model], ...] = (
    User,
    Pod,
    Client,
    RevenueEvent,
    KickoffItem,
    Objective,
    WeeklyGoal,
    Postponement,
    RiskAssessment,
    Contact,
    NPSResponse,
    QuarterlyReview,
    Tactic,
    Experiment,
    Source,
    ExternalProject,
    Task,
    TimeEntry,
    SyncRun,
    TrainingModule,
    TrainingResult,
)


# --- context and plans ---------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    seed: int
    today: dt.date
    now: dt.datetime
    this_monday: dt.date
    window_start: dt.date  # the Monday HISTORY_WEEKS before this week's

    def rng(self, *parts: object) -> random.Random:
        """An independent, reproducible stream for one aspect of one thing."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))


def make_context(seed: int) -> Context:
    day = today()
    monday = week_start(day)
    return Context(
        seed=seed,
        today=day,
        now=timezone.now(),
        this_monday=monday,
        window_start=monday - dt.timedelta(weeks=HISTORY_WEEKS),
    )


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime on `day` in the agency time zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=agency_tz())


def money(value: float | Decimal, step: int = 50) -> Decimal:
    """Round to a believable price step."""
    return Decimal(max(step, round(float(value) / step) * step)).quantize(Decimal("0.01"))


def hours(value: float) -> Decimal:
    return Decimal(str(max(0.25, round(value * 4) / 4)))


@dataclass
class PodTeam:
    pod: Pod
    lead: User
    ams: list[User]
    designer: User


@dataclass
class Team:
    leaders: list[User]
    admin: User
    pods: list[PodTeam]
    skill: dict[int, float]  # AM's user id → how well they run accounts (0..1)

    @property
    def people(self) -> list[User]:
        members = [p for team in self.pods for p in (team.lead, *team.ams, team.designer)]
        return [*self.leaders, self.admin, *members]


@dataclass
class ClientPlan:
    """Everything decided about one client before its history is written."""

    index: int
    name: str
    tier_code: str
    am: User
    designer: User
    started_on: dt.date
    end: dt.date  # churn date, or today
    churned_on: dt.date | None
    churn_reason: str
    fate: str  # healthy, slipping, churned
    quality: float
    decline_start: dt.date | None
    floor: float
    revenue: list[tuple[str, Decimal, dt.date, str]]
    main_contact: str
    sponsor: str
    services: list[str]
    source_kind: str
    hours_budget: Decimal
    hours_factor: float
    lifecycle: str
    client: Client | None = None
    project: ExternalProject | None = None
    objectives: list[Objective] = field(default_factory=list)

    @property
    def premium(self) -> bool:
        return self.tier_code == "premium"

    @property
    def mrr(self) -> Decimal:
        if self.churned_on:
            return ZERO
        signed = (a if kind in ("new", "expansion") else -a for kind, a, _day, _note in self.revenue)
        return sum(signed, ZERO)

    def health(self, day: dt.date) -> float:
        """How well the account is going on `day` (0..1); it slides towards `floor` once in decline."""
        if self.decline_start is None or day <= self.decline_start:
            return self.quality
        span = max(1, (self.end - self.decline_start).days)
        progress = min(1.0, (day - self.decline_start).days / span)
        return self.quality - (self.quality - self.floor) * progress

    def history_start(self, ctx: Context) -> dt.date:
        return max(self.started_on, ctx.window_start)

    def weeks(self, ctx: Context) -> Iterator[dt.date]:
        """Mondays of the weeks the client was served in the window (through this week)."""
        start = self.history_start(ctx)
        monday = week_start(start) if start.weekday() <= 2 else week_start(start) + dt.timedelta(weeks=1)
        last = week_start(self.churned_on - dt.timedelta(days=1)) if self.churned_on else ctx.this_monday
        while monday <= last:
            yield monday
            monday += dt.timedelta(weeks=1)


# --- writing -------------------------------------------------------------------------------


def bulk(model: type[models.Model], rows: Sequence[models.Model]) -> list[models.Model]:
    if not rows:
        return []
    return model.objects.bulk_create(rows, batch_size=BATCH)


def say(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")
        stdout.flush()


def wipe_demo(stdout: TextIO | None = None) -> None:
    """Remove all domain data and people; tiers, warning rules and non-demo superusers stay."""
    for model in WIPE_ORDER:
        # A raw DELETE per table, children first: the ORM's collector would load every row.
        model.objects.all()._raw_delete(model.objects.db)
    Pod.objects.update(lead=None)
    User.objects.filter(models.Q(is_superuser=False) | models.Q(username__in=DEMO_LOGINS)).delete()
    Pod.objects.all().delete()
    say(stdout, "Wiped the previous demo data.")


def counts() -> dict[str, int]:
    """Rows per model, keyed by model name."""
    return {model.__name__: model.objects.count() for model in SUMMARY_MODELS}


def build_demo(
    *,
    clients: int = DEFAULT_CLIENTS,
    seed: int = DEFAULT_SEED,
    rollup_days: int = DEFAULT_ROLLUP_DAYS,
    stdout: TextIO | None = None,
) -> dict:
    """Write the demo agency into an empty database; returns the row counts per model.

    Ends with the daily rollup over the last `rollup_days` days, so trend charts and period
    comparisons have their snapshots and the early warnings are open, as after real nights.
    """
    if not MIN_CLIENTS <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be between {MIN_CLIENTS} and {MAX_CLIENTS}")
    ctx = make_context(seed)
    say(stdout, f"Seeding a demo agency: {clients} clients, seed {seed}, {HISTORY_WEEKS} weeks to {ctx.today}.")
    team = build_people(ctx, n_pods=max(1, clients // CLIENTS_PER_POD))
    say(stdout, f"  people: {len(team.people)} in {len(team.pods)} pods")
    build_training(ctx, team)
    say(stdout, "  training modules and results")
    plans = plan_clients(ctx, team, clients)
    sources = build_clients(ctx, plans)
    say(stdout, f"  clients: {len(plans)} with revenue, projects and kickoff plans")
    for start in range(0, len(plans), CHUNK):
        write_history(ctx, plans[start : start + CHUNK])
        say(stdout, f"  history: {min(start + CHUNK, len(plans))}/{len(plans)} clients")
    build_sync_runs(ctx, sources)
    say(stdout, "  sync runs")

    began = time.monotonic()
    rollup_range(end=ctx.today, days=rollup_days)
    say(stdout, f"  daily rollup: {rollup_days} days ({time.monotonic() - began:.0f} s)")

    return counts()


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- people --------------------------------------------------------------------------------

FIRST_NAMES = words(
    "Maya Liam Sofia Noah Amara Lucas Priya Mateo Chloe Omar Hannah Diego Zoe Ethan Leila Jonas Aisha Felix "
    "Nora Ravi Ines Samuel Yara Hugo Clara Tomas Mei Daniel Freya Karim Elena Oscar Anya Marcus Lina Pablo "
    "Grace Arjun Ruth Theo Camille Kofi Isla Victor Nadia Leon Julia Malik Esther Rafael Ingrid Tariq Alice "
    "Bruno Sana Henrik Rosa Idris Vera"
)
LAST_NAMES = words(
    "Okafor Lindqvist Moreau Haddad Nakamura Fischer Costa Ivanova Schmidt Dubois Rahman Novak Keller Silva "
    "Andersen Rossi Kowalski Mensah Larsen Petrov Garcia Nguyen Bauer Laurent Yilmaz Sato Ferreira Jansen "
    "Walsh Herrera Kapoor Lambert Hoffmann Oyelaran Bianchi Duarte Holm Mercier Aziz Brennan Castillo Weber "
    "Park Varga Ndiaye Svensson Marin Quinn Sousa Farouk Eriksen Romero Tanaka Adler Osei Bergstrom"
)
POD_NAMES = words(
    "Atlas Borealis Cedar Delta Ember Fjord Granite Harbor Iris Juniper Kestrel Lumen Meridian Nova Orchid "
    "Pioneer Quartz Ridge Summit Tidal Umber Vertex Willow Zenith"
)
LEADERSHIP_TITLES = ("Managing Director", "Head of Client Services", "Head of Growth", "Operations Director")


def person_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    return rng.sample(pairs, count)


def usernames_for(names: list[tuple[str, str]], fixed: dict[int, str]) -> list[str]:
    taken: set[str] = set(fixed.values())
    result = []
    for i, (first, last) in enumerate(names):
        if i in fixed:
            result.append(fixed[i])
            continue
        base = f"{first}.{last}".lower()
        name, n = base, 2
        while name in taken:
            name, n = f"{base}{n}", n + 1
        taken.add(name)
        result.append(name)
    return result


def new_user(rng: random.Random, username: str, name: tuple[str, str], role: str, title: str, **extra) -> User:
    rate_range = {
        Role.LEADERSHIP: (90, 130),
        Role.POD_LEAD: (62, 80),
        Role.ACCOUNT_MANAGER: (42, 60),
        Role.DESIGNER: (48, 66),
    }[role]
    return User(
        username=username,
        first_name=name[0],
        last_name=name[1],
        email=f"{name[0]}.{name[1]}@{EMAIL_DOMAIN}".lower(),
        role=role,
        title=title,
        cost_rate=Decimal(rng.randint(*rate_range)),
        hired_on=date_back(rng, 200, 6 * 365),
        **extra,
    )


def date_back(rng: random.Random, low: int, high: int, base: dt.date | None = None) -> dt.date:
    return (base or today()) - dt.timedelta(days=rng.randint(low, high))


def build_people(ctx: Context, n_pods: int) -> Team:
    rng = ctx.rng("people")
    n_leaders = 3 if n_pods < 20 else 4
    names = person_names(rng, n_leaders + 1 + 4 * n_pods)
    first_pod = n_leaders + 1  # index of the first pod's lead in `names`
    fixed = {0: "leader", n_leaders: "admin", first_pod: "podlead", first_pod + 1: "am", first_pod + 3: "designer"}
    usernames = usernames_for(names, fixed)
    clashes = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if clashes:
        raise ValueError(f"Users already exist: {', '.join(sorted(clashes))}. Run with --reset to replace them.")

    pods = bulk(Pod, [Pod(name=f"Pod {pod_name(i)}") for i in range(n_pods)])
    password = make_password(PASSWORD)  # hashed once: hashing 400 times would take minutes
    users = []
    for i in range(n_leaders):
        users.append(new_user(rng, usernames[i], names[i], Role.LEADERSHIP, LEADERSHIP_TITLES[i]))
    users.append(
        new_user(
            rng, "admin", names[n_leaders], Role.LEADERSHIP, "Systems administrator", is_staff=True, is_superuser=True
        )
    )
    for p, pod in enumerate(pods):
        base = first_pod + 4 * p
        users.append(new_user(rng, usernames[base], names[base], Role.POD_LEAD, "Pod lead", pod=pod))
        for k in (1, 2):
            users.append(
                new_user(rng, usernames[base + k], names[base + k], Role.ACCOUNT_MANAGER, "Account manager", pod=pod)
            )
        users.append(new_user(rng, usernames[base + 3], names[base + 3], Role.DESIGNER, "Designer", pod=pod))
    for user in users:
        user.password = password
        user.date_joined = at(user.hired_on)
    users = bulk(User, users)

    teams = []
    for p, pod in enumerate(pods):
        lead, am1, am2, designer = users[n_leaders + 1 + 4 * p : n_leaders + 5 + 4 * p]
        pod.lead = lead
        teams.append(PodTeam(pod=pod, lead=lead, ams=[am1, am2], designer=designer))
    Pod.objects.bulk_update(pods, ["lead"], batch_size=BATCH)
    skill = {am.pk: rng.uniform(0.0, 1.0) for t in teams for am in t.ams}
    return Team(leaders=users[:n_leaders], admin=users[n_leaders], pods=teams, skill=skill)


def pod_name(i: int) -> str:
    name = POD_NAMES[i % len(POD_NAMES)]
    return name if i < len(POD_NAMES) else f"{name} {i // len(POD_NAMES) + 1}"


# --- training ------------------------------------------------------------------------------

AM_ROLES = [Role.ACCOUNT_MANAGER, Role.POD_LEAD]
ALL_ROLES = [Role.ACCOUNT_MANAGER, Role.POD_LEAD, Role.DESIGNER, Role.LEADERSHIP]
TRAINING_MODULES: tuple[tuple[str, str, list[str], int, int, str], ...] = (
    # title, category, required roles, passing score, version, procedure (Markdown)
    (
        "Weekly goal discipline",
        "Process",
        AM_ROLES,
        80,
        1,
        "## Weekly goals\n\n1. Set one to three goals per client by Monday noon.\n"
        "2. Tie each goal to a 90-day objective where you can.\n"
        "3. A deadline never moves: **postpone** with a reason instead.\n"
        "4. Close every goal before Sunday night, done or postponed.\n",
    ),
    (
        "Risk assessment and the review queue",
        "Process",
        [*AM_ROLES, Role.LEADERSHIP],
        80,
        2,
        "## Assessing churn risk\n\n- Score 1 (highest risk) to 4 (lowest).\n"
        "- Name every reason that applies; write what you will do about it.\n"
        "- Reassess at least every 30 days, and after any bad call.\n"
        "- When the health signal disagrees by two points, leadership decides in the review queue.\n",
    ),
    ("Running the growth review", "Process", [Role.POD_LEAD, Role.LEADERSHIP], 75, 1, ""),
    (
        "Quarterly review: the 28 fields",
        "Client success",
        AM_ROLES,
        80,
        1,
        "## Quarterly review\n\nFill all five groups with the client, not about them.\n"
        "End with risks and an action plan: next steps, owners and dates.\n",
    ),
    ("Expectation agreement and kickoff", "Client success", [Role.ACCOUNT_MANAGER], 70, 1, ""),
    ("Difficult conversations and churn saves", "Client success", AM_ROLES, 75, 1, ""),
    (
        "A/B testing and statistical confidence",
        "Design",
        [Role.DESIGNER],
        85,
        1,
        "## Experiments\n\nDecide the metric and sample size first. Call a win or a loss only at **95%** "
        "confidence or above; below that the result is inconclusive.\n",
    ),
    ("Conversion-focused design", "Design", [Role.DESIGNER], 80, 1, ""),
    ("Asana and ClickUp hygiene", "Tools", [Role.ACCOUNT_MANAGER, Role.POD_LEAD, Role.DESIGNER], 70, 1, ""),
    ("Reporting and ROI statements", "Analytics", AM_ROLES, 80, 1, ""),
    ("Client data privacy", "Compliance", ALL_ROLES, 90, 1, ""),
)


def build_training(ctx: Context, team: Team) -> None:
    modules = bulk(
        TrainingModule,
        [
            TrainingModule(
                title=title,
                category=category,
                required_roles=[str(r) for r in roles],
                passing_score=passing,
                version=version,
                procedure=procedure,
                procedure_url=f"https://handbook.{EMAIL_DOMAIN}/{title.lower().replace(' ', '-').replace(':', '')}",
            )
            for title, category, roles, passing, version, procedure in TRAINING_MODULES
        ],
    )
    results = []
    for person in team.people:
        if person.is_superuser:
            continue
        rng = ctx.rng("training", person.username)
        talent = rng.gauss(0, 6)
        for module in modules:
            required = person.role in module.required_roles
            if rng.random() > (0.88 if required else 0.1):
                continue  # missing: never taken
            results.extend(training_results(ctx, rng, person, module, talent))
    bulk(TrainingResult, results)


def training_results(
    ctx: Context, rng: random.Random, person: User, module: TrainingModule, talent: float
) -> list[TrainingResult]:
    versions = [1] if module.version == 1 else ([1] if rng.random() < 0.35 else [1, 2])  # some still on v1
    results = []
    earliest = max(person.hired_on, ctx.window_start)
    for version in versions:
        score = max(35.0, min(100.0, rng.gauss(84 + talent, 8)))
        taken = earliest + dt.timedelta(days=rng.randint(0, max(1, (ctx.today - earliest).days - 1)))
        if version == 2:
            taken = max(taken, ctx.today - dt.timedelta(days=rng.randint(5, 60)))
        results.append(
            TrainingResult(
                user=person,
                module=module,
                version=version,
                completed_on=taken,
                score=Decimal(str(round(score, 1))),
                passed=score >= module.passing_score,
            )
        )
    return results


# --- clients -------------------------------------------------------------------------------

CLIENT_PREFIXES = words(
    "Northwind Bluefin Copperleaf Driftwood Evergreen Foxglove Goldcrest Highland Ironbark Juniper Kingfisher "
    "Lakeside Marigold Nimbus Oakridge Pinecrest Quayside Redwood Saltmarsh Thornbury Upland Valemont Westbrook "
    "Yarrow Alder Birchwood Cobalt Dunmore Elmstead Fairhaven Greystone Hollowell Inkwell Jetstream Kestrel "
    "Larkspur Moorland Northgate Orchard Pebble Quill Riverside Silverline Tidewater Ultramarine Vantage "
    "Whitfield Amberly Beacon Clearwater Dovetail Emberly Fernhill Glasshouse Harrowgate Islay Juno Keystone "
    "Lumen Meadowlark Nettle Oriel Parkside Quarry Rowan Sable Trellis"
)
CLIENT_SUFFIXES = words(
    "Outdoor Analytics Dental Coffee Roasters Logistics Studios Fitness Legal Health Software Bikes Kitchens "
    "Travel Realty Labs Apparel Pet Supply Insurance Solar Skincare Furniture Wines Academy Robotics Optics "
    "Foods Finance Gardens Audio Clinics Brewing Marine Ceramics Payments Tutoring Motors Hotels Tea Co. Group"
)
SERVICES = ("seo", "ppc", "content", "cro", "email", "social")
SERVICE_LABELS = {
    "seo": "SEO",
    "ppc": "paid search",
    "content": "content marketing",
    "cro": "conversion optimisation",
    "email": "email marketing",
    "social": "paid social",
}
CONTACT_ROLES = ("Marketing Director", "CMO", "Head of Growth", "Ecommerce Manager", "Founder", "Digital Lead")
SPONSOR_ROLES = ("CEO", "COO", "Managing Director", "VP Marketing", "Founder")
CHURN_WEIGHTS = {
    ChurnReason.PRICE: 25,
    ChurnReason.VALUE: 20,
    ChurnReason.COMPETITOR: 15,
    ChurnReason.SPONSOR_LEFT: 12,
    ChurnReason.DELIVERY: 10,
    ChurnReason.IN_HOUSE: 10,
    ChurnReason.BUSINESS_CLOSED: 5,
    ChurnReason.OTHER: 3,
}


def plan_clients(ctx: Context, team: Team, n: int) -> list[ClientPlan]:
    rng = ctx.rng("clients")
    names = rng.sample([f"{p} {s}" for p in CLIENT_PREFIXES for s in CLIENT_SUFFIXES], n)
    n_churned = max(2, round(n * CHURN_SHARE))
    n_slipping = max(2, round((n - n_churned) * SLIPPING_SHARE))
    fates = ["churned"] * n_churned + ["slipping"] * n_slipping + ["healthy"] * (n - n_churned - n_slipping)
    rng.shuffle(fates)
    ams = [(am, t.designer) for t in team.pods for am in t.ams]
    owners = [ams[i % len(ams)] for i in range(n)]
    # The demo `am` should have one slipping client to show on "My clients".
    mine = [i for i in range(n) if owners[i][0].username == "am"]
    if not any(fates[i] == "slipping" for i in mine):
        other = next(i for i in range(n) if fates[i] == "slipping")
        fates[mine[0]], fates[other] = fates[other], fates[mine[0]]
    return [plan_client(ctx, i, names[i], fates[i], *owners[i], team.skill[owners[i][0].pk]) for i in range(n)]


def plan_client(ctx: Context, index: int, name: str, fate: str, am: User, designer: User, skill: float) -> ClientPlan:
    rng = ctx.rng("client", index)
    tier = "premium" if rng.random() < 0.3 else "standard"
    churned_on = None
    if fate == "churned":
        churned_on = ctx.window_start + dt.timedelta(days=rng.randint(10 * 7, HISTORY_WEEKS * 7 - 7))
        started_on = churned_on - dt.timedelta(days=rng.randint(150, 3 * 365))
    elif rng.random() < 0.05:
        started_on = ctx.today - dt.timedelta(days=rng.randint(3, 40))  # onboarding now
    elif rng.random() < 0.25:
        started_on = ctx.window_start + dt.timedelta(days=rng.randint(0, HISTORY_WEEKS * 7 - 45))
    else:
        started_on = ctx.window_start - dt.timedelta(days=rng.randint(30, 3 * 365))
    end = churned_on or ctx.today
    quality = min(0.97, max(0.45, rng.uniform(0.6, 0.92) + (skill - 0.5) * 0.16))
    decline_start, floor = None, quality
    if fate == "churned":
        decline_start = max(started_on + dt.timedelta(days=30), end - dt.timedelta(weeks=rng.randint(10, 18)))
        floor = rng.uniform(0.08, 0.2)
    elif fate == "slipping":
        decline_start = max(started_on + dt.timedelta(days=14), end - dt.timedelta(weeks=rng.randint(6, 10)))
        floor = rng.uniform(0.12, 0.25)
    churn_reason = rng.choices(list(CHURN_WEIGHTS), list(CHURN_WEIGHTS.values()))[0] if churned_on else ""
    budget = rng.randint(25, 45) if tier == "premium" else rng.randint(10, 22)
    plan = ClientPlan(
        index=index,
        name=name,
        tier_code=tier,
        am=am,
        designer=designer,
        started_on=started_on,
        end=end,
        churned_on=churned_on,
        churn_reason=str(churn_reason),
        fate=fate,
        quality=quality,
        decline_start=decline_start,
        floor=floor,
        revenue=[],
        main_contact=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} ({rng.choice(CONTACT_ROLES)})",
        sponsor=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} ({rng.choice(SPONSOR_ROLES)})",
        services=rng.sample(SERVICES, rng.randint(2, 4)),
        source_kind="asana" if rng.random() < 0.6 else "clickup",
        hours_budget=Decimal(budget),
        hours_factor=rng.uniform(1.5, 1.8) if rng.random() < 0.06 else rng.uniform(0.75, 1.1),
        lifecycle="",
    )
    plan.revenue = plan_revenue(rng, plan)
    plan.lifecycle = lifecycle_stage(ctx, rng, plan)
    return plan


def plan_revenue(rng: random.Random, plan: ClientPlan) -> list[tuple[str, Decimal, dt.date, str]]:
    """New at the start, expansions and contractions along the way, churn at the end."""
    mrr = money(rng.randrange(8000, 24000) if plan.premium else rng.randrange(2000, 8000), 250)
    events = [("new", mrr, plan.started_on, f"Retainer signed: {', '.join(SERVICE_LABELS[s] for s in plan.services)}")]
    day = plan.started_on + dt.timedelta(days=rng.randint(90, 240))
    while day < plan.end:
        declining = plan.decline_start is not None and day >= plan.decline_start
        roll = rng.random()
        if not declining and roll < 0.12 + 0.25 * plan.quality:
            change = money(mrr * Decimal(str(rng.uniform(0.1, 0.35))))
            events.append(("expansion", change, day, f"Added {SERVICE_LABELS[rng.choice(SERVICES)]}"))
            mrr += change
        elif (declining and roll < 0.5) or roll > 0.94:
            change = money(mrr * Decimal(str(rng.uniform(0.1, 0.25))))
            if mrr - change >= 1000:
                events.append(("contraction", change, day, "Scope reduced"))
                mrr -= change
        day += dt.timedelta(days=rng.randint(120, 300))
    if plan.churned_on:
        events.append(("churn", mrr, plan.churned_on, ChurnReason(plan.churn_reason).label))
    return events


def lifecycle_stage(ctx: Context, rng: random.Random, plan: ClientPlan) -> str:
    if plan.churned_on:
        return LifecycleStage.CHURNED
    days = (ctx.today - plan.started_on).days
    if days < 45:
        return LifecycleStage.ONBOARDING
    if days < 180 or (plan.fate == "slipping" and rng.random() < 0.5):
        return LifecycleStage.ADOPTING
    if days % 365 > 300:  # within two months of an anniversary
        return LifecycleStage.RENEWING
    return LifecycleStage.VALUE_REALISED if rng.random() < 0.85 else LifecycleStage.ADOPTING


def build_clients(ctx: Context, plans: list[ClientPlan]) -> dict[str, Source]:
    tiers = {t.code: t for t in Tier.objects.all()}
    rows = bulk(Client, [client_row(ctx, plan, tiers[plan.tier_code]) for plan in plans])
    for plan, client in zip(plans, rows, strict=True):
        plan.client = client
    bulk(
        RevenueEvent,
        [
            RevenueEvent(client=p.client, kind=kind, amount=amount, occurred_on=day, note=note, recorded_by=p.am)
            for p in plans
            for kind, amount, day, note in p.revenue
        ],
    )
    bulk(KickoffItem, [item for p in plans for item in kickoff_items(ctx, p)])
    return build_projects(ctx, plans)


def client_row(ctx: Context, plan: ClientPlan, tier: Tier) -> Client:
    slug = plan.name.lower().replace(" ", "").replace(".", "")
    rng = ctx.rng("client-row", plan.index)
    return Client(
        name=plan.name,
        tier=tier,
        account_manager=plan.am,
        mrr=plan.mrr,
        lifecycle_stage=plan.lifecycle,
        started_on=plan.started_on,
        churned_on=plan.churned_on,
        churn_reason=plan.churn_reason,
        expectation_agreement_signed_on=(
            None if rng.random() < 0.08 else plan.started_on + dt.timedelta(days=rng.randint(0, 10))
        ),
        monthly_hours_budget=plan.hours_budget,
        website=f"https://www.{slug}.example",
    )


KICKOFF_ITEMS = (
    "Connect analytics and confirm conversion tracking",
    "Audit the top 20 landing pages",
    "Fix broken links and redirect chains",
    "Set up the shared reporting dashboard",
    "Agree brand voice and approval flow",
    "Pause the five worst-performing ad groups",
    "Add negative keywords from the search-terms report",
    "Compress hero images on key pages",
    "Write the first month's content calendar",
    "Clean and segment the email list",
    "Add schema markup to product pages",
    "Set up weekly call and shared goal board",
    "Install heatmaps on the checkout",
    "Rewrite the top three page titles and meta descriptions",
)


def kickoff_items(ctx: Context, plan: ClientPlan) -> list[KickoffItem]:
    rng = ctx.rng("kickoff", plan.index)
    items = []
    for position, text in enumerate(rng.sample(KICKOFF_ITEMS, 10), start=1):
        done_on = plan.started_on + dt.timedelta(days=rng.randint(2, 6) * position // 2 + rng.randint(0, 4))
        skipped = rng.random() < (0.25 if plan.fate == "slipping" else 0.04)
        if done_on >= ctx.today or skipped or (plan.churned_on and done_on >= plan.churned_on):
            done_on = None
        items.append(
            KickoffItem(
                client=plan.client,
                position=position,
                text=text,
                done_on=done_on,
                done_by=plan.am if done_on else None,
            )
        )
    return items


def build_projects(ctx: Context, plans: list[ClientPlan]) -> dict[str, Source]:
    synced = last_nightly_sync(ctx)
    sources = {
        "asana": Source(
            kind=Source.Kind.ASANA,
            name="Asana · Brightpath workspace",
            workspace_id="1199872645031877",
            token_env_var="ASANA_TOKEN",
            cursor=synced,
            last_full_sync_at=synced - dt.timedelta(days=ctx.today.weekday()),
        ),
        "clickup": Source(
            kind=Source.Kind.CLICKUP,
            name="ClickUp · Delivery team",
            workspace_id="9015478231",
            token_env_var="CLICKUP_TOKEN",
            cursor=synced,
            last_full_sync_at=synced - dt.timedelta(days=ctx.today.weekday()),
        ),
    }
    bulk(Source, list(sources.values()))
    projects = []
    for plan in plans:
        plan.project = ExternalProject(
            source=sources[plan.source_kind],
            external_id=external_id(plan.source_kind, 1, plan.index),
            name=f"{plan.name} · Retainer",
            client=plan.client,
            archived=plan.churned_on is not None,
            last_seen_at=synced,
        )
        projects.append(plan.project)
    for i, name in enumerate(("Internal · Marketing", "Sales pipeline", "Agency website", "Hiring", "Templates")):
        if i < max(3, len(plans) // 50):
            kind = "asana" if i % 2 == 0 else "clickup"
            projects.append(
                ExternalProject(
                    source=sources[kind], external_id=external_id(kind, 2, i), name=name, last_seen_at=synced
                )
            )
    bulk(ExternalProject, projects)
    return sources


def last_nightly_sync(ctx: Context) -> dt.datetime:
    """02:10 agency time today, or yesterday if that has not come yet."""
    tonight = at(ctx.today, 2, 10)
    return tonight if tonight < ctx.now else tonight - dt.timedelta(days=1)


def external_id(kind: str, space: int, number: int) -> str:
    """Asana gids are long digit strings; ClickUp ids are short base-36 strings."""
    value = space * 10**12 + number
    if kind == "asana":
        return str(1_200_000_000_000_000 + value)
    digits, out = "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while value:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
    return "86" + out


# --- history -------------------------------------------------------------------------------


def write_history(ctx: Context, plans: list[ClientPlan]) -> None:
    """All dated rows of a chunk of clients, parents before children."""
    for plan in plans:
        plan.objectives = objectives(ctx, plan)
    bulk(Objective, [o for p in plans for o in p.objectives])
    goals, moves = [], []
    for plan in plans:
        plan_goals, plan_moves = weekly_goals(ctx, plan)
        goals += plan_goals
        moves += plan_moves
    bulk(WeeklyGoal, goals)
    bulk(Postponement, [move() for move in moves])
    tasks = {plan.index: client_tasks(ctx, plan) for plan in plans}
    bulk(Task, [t for parents, _subtasks in tasks.values() for t in parents])
    bulk(Task, [t for _parents, subtasks in tasks.values() for t in subtasks])
    bulk(TimeEntry, [e for p in plans for e in time_entries(ctx, p, tasks[p.index][0])])
    for model, make in (
        (Contact, contacts),
        (RiskAssessment, risk_assessments),
        (NPSResponse, nps_responses),
        (Tactic, tactics),
        (Experiment, experiments),
        (QuarterlyReview, quarterly_reviews),
    ):
        bulk(model, [row for p in plans for row in make(ctx, p)])


# --- objectives ----------------------------------------------------------------------------

OBJECTIVE_KINDS = (
    # title, metric, baseline range, target multiplier range, decimals
    ("Grow organic traffic", "Organic sessions / month", (4000, 60000), (1.15, 1.4), 0),
    ("More qualified leads", "Qualified leads / month", (20, 300), (1.2, 1.6), 0),
    ("Lift checkout conversion", "Conversion rate (%)", (0.8, 4.0), (1.1, 1.35), 2),
    ("Cut cost per acquisition", "Cost per acquisition (USD)", (40, 220), (0.7, 0.9), 2),
    ("Grow email-driven revenue", "Email revenue share (%)", (5, 25), (1.15, 1.5), 1),
    ("Improve paid-search ROAS", "ROAS", (1.5, 5.0), (1.1, 1.4), 2),
    ("Book more demos", "Demos booked / month", (5, 80), (1.2, 1.6), 0),
    ("Grow social engagement", "Engagement rate (%)", (1.0, 6.0), (1.15, 1.5), 2),
)


def objectives(ctx: Context, plan: ClientPlan) -> list[Objective]:
    """A proposal set at the start, then one set per quarter while the client is active."""
    rng = ctx.rng("objectives", plan.index)
    kinds = rng.sample(OBJECTIVE_KINDS, 3)
    values = {k[0]: rng.uniform(*k[2]) for k in kinds}
    rows = [
        objective(ctx, rng, plan, kind, values, plan.started_on, plan.started_on + dt.timedelta(days=90), "proposal")
        for kind in kinds[: rng.randint(2, 3)]
    ]
    year, quarter = quarter_of(max(plan.started_on + dt.timedelta(days=60), ctx.window_start))
    year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    while quarter_start(year, quarter) <= min(ctx.today, plan.end - dt.timedelta(days=20)):
        start = quarter_start(year, quarter)
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        due = quarter_start(year, quarter) - dt.timedelta(days=1)
        for kind in rng.sample(kinds, rng.randint(1, 3)):
            rows.append(objective(ctx, rng, plan, kind, values, start, due, "quarter"))
    return rows


def objective(
    ctx: Context,
    rng: random.Random,
    plan: ClientPlan,
    kind: tuple,
    values: dict[str, float],
    start: dt.date,
    due: dt.date,
    origin: str,
) -> Objective:
    title, metric, _range, (low, high), decimals = kind
    step = Decimal(1).scaleb(-decimals)
    baseline = Decimal(str(values[title])).quantize(step)
    target = (baseline * Decimal(str(rng.uniform(low, high)))).quantize(step)
    if target == baseline:
        target += step if high > 1 else -step
    h = plan.health(min(due, ctx.today))
    if due < ctx.today or (plan.churned_on and due >= plan.churned_on):
        reached = rng.random() < 0.15 + 0.7 * h and not (plan.churned_on and due >= plan.churned_on)
        progress = rng.uniform(1.0, 1.25) if reached else rng.uniform(0.1, 0.85)
    else:
        elapsed = (ctx.today - start).days / max(1, (due - start).days)
        # Most run at or ahead of pace; some fall behind, more often on struggling accounts.
        lagging = rng.random() < 0.12 + 0.5 * (1 - h)
        progress = elapsed * (rng.uniform(0.15, 0.5) if lagging else rng.uniform(0.85, 1.3))
    current = (baseline + (target - baseline) * Decimal(str(progress))).quantize(step)
    values[title] = float(current) if current > 0 else values[title]
    return Objective(
        client=plan.client,
        title=f"{title} to {target} {metric_unit(metric)}".strip(),
        metric=metric,
        baseline=baseline,
        target=target,
        current_value=current,
        start_date=start,
        due_date=due,
        status=objective_status(ctx, baseline, target, current, start, due, plan),
        origin=origin,
        created_by=plan.am,
        created_at=at(start, 10),
    )


def metric_unit(metric: str) -> str:
    return "" if "(" in metric else metric.split(" / ")[0].lower()


def objective_status(
    ctx: Context,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    start: dt.date,
    due: dt.date,
    plan: ClientPlan,
) -> str:
    finished = due < ctx.today or (plan.churned_on is not None and due >= plan.churned_on)
    reached = (current - baseline) / (target - baseline) >= 1
    if finished:
        return Objective.Status.ACHIEVED if reached else Objective.Status.MISSED
    pace = objective_pace(baseline=baseline, target=target, current=current, start=start, due=due, on=ctx.today)
    return Objective.Status.BEHIND if pace.behind else Objective.Status.ON_TRACK


# --- weekly goals --------------------------------------------------------------------------

GOAL_TEMPLATES = {
    "seo": (
        "Publish optimised copy for the {topic} page",
        "Fix crawl errors from the {topic} audit",
        "Build internal links to the {topic} hub",
        "Ship title and meta rewrites for {topic} pages",
        "Pitch three guest posts on {topic}",
    ),
    "ppc": (
        "Restructure the {topic} campaign by intent",
        "Launch responsive search ads for {topic}",
        "Cut wasted spend on {topic} search terms",
        "Set up conversion value rules for {topic}",
    ),
    "content": (
        "Publish the {topic} guide",
        "Draft two blog posts on {topic}",
        "Record the {topic} customer story",
        "Refresh the {topic} comparison page",
    ),
    "cro": (
        "Launch the {topic} landing-page test",
        "Ship the simplified {topic} form",
        "Analyse heatmaps for the {topic} funnel",
        "Add social proof to the {topic} page",
    ),
    "email": (
        "Send the {topic} newsletter",
        "Build the {topic} welcome sequence",
        "Segment the list by {topic} interest",
        "Launch the {topic} win-back flow",
    ),
    "social": (
        "Launch the {topic} lookalike campaign",
        "Produce three {topic} ad creatives",
        "Report on {topic} audience tests",
        "Refresh the {topic} retargeting set",
    ),
}
TOPICS = (
    "pricing",
    "spring range",
    "enterprise",
    "checkout",
    "onboarding",
    "product launch",
    "webinar",
    "holiday",
    "comparison",
    "local",
    "mobile",
    "bundle",
    "free trial",
    "case study",
    "partner",
    "loyalty",
)
CANCEL_REASONS = (
    "Client paused the campaign",
    "Superseded by the new brief",
    "Client asked to drop it",
    "Duplicate of another goal",
    "Budget moved to another channel",
)
POSTPONE_REASONS = (
    "Waiting on client approval",
    "Client assets arrived late",
    "Client asked to move it after their launch",
    "Designer capacity went to an urgent fix",
    "Tracking issue blocked the launch",
    "Client contact on holiday",
    "Dependency on the client's developer",
)


def goal_title(rng: random.Random, plan: ClientPlan) -> str:
    return rng.choice(GOAL_TEMPLATES[rng.choice(plan.services)]).format(topic=rng.choice(TOPICS))


def weekly_goals(ctx: Context, plan: ClientPlan) -> tuple[list[WeeklyGoal], list[Callable[[], Postponement]]]:
    """1–3 goals a week with hits, late and open misses, postponements and a few cancellations.

    Postponements come back as thunks: they need the goals' primary keys, known after insert.
    """
    rng = ctx.rng("goals", plan.index)
    goals: list[WeeklyGoal] = []
    moves: list[Callable[[], Postponement]] = []
    limit = min(ctx.now, at(plan.churned_on)) if plan.churned_on else ctx.now
    for monday in plan.weeks(ctx):
        h = max(0.0, min(1.0, plan.health(monday + dt.timedelta(days=3)) + rng.gauss(0, 0.05)))
        count = rng.choices((1, 2, 3), (30, 45, 25) if h > 0.4 else (50, 40, 10))[0]
        for _ in range(count):
            goal = new_goal(ctx, rng, plan, monday, goal_title(rng, plan), pick_objective(rng, plan, monday), h)
            goals.append(goal)
            target = monday + dt.timedelta(weeks=1 if rng.random() < 0.75 else 2)
            can_move = target <= ctx.this_monday + dt.timedelta(weeks=1) and (
                plan.churned_on is None or target + dt.timedelta(days=6) < plan.churned_on
            )
            roll = rng.random()
            if roll < 0.025 and goal.deadline < ctx.now:
                goal.status, goal.cancel_reason = WeeklyGoal.Status.CANCELLED, rng.choice(CANCEL_REASONS)
            elif roll < 0.025 + 0.03 + 0.17 * (1 - h) and can_move and (goal.deadline < ctx.now or rng.random() < 0.3):
                later = new_goal(ctx, rng, plan, target, goal.title, goal.objective, h)
                settle_goal(ctx, rng, later, h, limit)
                goal.status = WeeklyGoal.Status.POSTPONED
                goals.append(later)
                moves.append(postponement(rng, plan, goal, later, ctx))
            else:
                settle_goal(ctx, rng, goal, h, limit)
    return goals, moves


def pick_objective(rng: random.Random, plan: ClientPlan, monday: dt.date) -> Objective | None:
    if rng.random() > 0.45:
        return None
    live = [o for o in plan.objectives if o.start_date <= monday <= o.due_date]
    return rng.choice(live) if live else None


def new_goal(
    ctx: Context,
    rng: random.Random,
    plan: ClientPlan,
    monday: dt.date,
    title: str,
    objective: Objective | None,
    h: float,
) -> WeeklyGoal:
    waiting = rng.random() < (0.08 + 0.3 * (1 - h))
    return WeeklyGoal(
        client=plan.client,
        owner=plan.am,
        objective=objective,
        title=title,
        week_start=monday,
        deadline=week_deadline(monday),
        shared_with_client=rng.random() < 0.85,
        waiting_on_client_hours=Decimal(str(round(rng.uniform(1, 6 + 14 * (1 - h)), 1))) if waiting else ZERO,
        created_by=plan.am,
        created_at=min(ctx.now, at(monday - dt.timedelta(days=rng.choice((0, 0, 0, 3))), rng.randint(8, 11))),
    )


def settle_goal(ctx: Context, rng: random.Random, goal: WeeklyGoal, h: float, limit: dt.datetime) -> None:
    """Done on time, done late (before `limit`) or left open; this week's goals are mostly still open."""
    start = at(goal.week_start, 9)
    if goal.deadline >= ctx.now:  # this week's (or next week's) goal
        elapsed = max(0.0, (ctx.now - start).total_seconds() / (goal.deadline - start).total_seconds())
        if rng.random() < 0.6 * elapsed * h:
            goal.status, goal.done_at = WeeklyGoal.Status.DONE, between(rng, start, ctx.now)
        return
    if rng.random() < 0.35 + 0.6 * h:
        goal.status, goal.done_at = WeeklyGoal.Status.DONE, between(rng, start, goal.deadline)
    elif rng.random() < 0.55:
        late = goal.deadline + dt.timedelta(hours=rng.randint(2, 240))
        if late < limit:
            goal.status, goal.done_at = WeeklyGoal.Status.DONE, late


def between(rng: random.Random, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    seconds = max(0, int((high - low).total_seconds()))
    return low + dt.timedelta(seconds=rng.randint(0, seconds))


def postponement(
    rng: random.Random, plan: ClientPlan, original: WeeklyGoal, later: WeeklyGoal, ctx: Context
) -> Callable[[], Postponement]:
    reason = rng.choice(POSTPONE_REASONS)
    when = between(rng, at(original.week_start, 10), min(original.deadline, ctx.now))
    return lambda: Postponement(
        original=original,
        carried_over=later,
        reason=reason,
        target_week=later.week_start,
        postponed_by=plan.am,
        postponed_at=when,
    )


# --- tasks and time ------------------------------------------------------------------------

TASK_TEMPLATES = (
    "Design {topic} banner set",
    "Write copy for {topic} landing page",
    "QA tracking on {topic} forms",
    "Build {topic} email template",
    "Keyword research: {topic}",
    "Monthly report: {topic} performance",
    "Update {topic} ad copy",
    "Mock up {topic} page variant",
    "Client review: {topic} assets",
    "Fix {topic} page speed issues",
    "Set up {topic} A/B test",
    "Export {topic} audience list",
)
SECTIONS = {
    "asana": ("To do", "In progress", "Client review", "Done"),
    "clickup": ("to do", "in progress", "review", "complete"),
}


def client_tasks(ctx: Context, plan: ClientPlan) -> tuple[list[Task], list[Task]]:
    """Several tasks a week, mostly done on time; late and open overdue ones grow as health falls."""
    rng = ctx.rng("tasks", plan.index)
    tasks: list[Task] = []
    subtasks: list[Task] = []
    numbers = iter(range(10**6))
    weeks = list(plan.weeks(ctx))
    if not plan.churned_on:
        weeks.append(ctx.this_monday + dt.timedelta(weeks=1))  # a little planned work ahead
    for monday in weeks:
        h = plan.health(min(monday, ctx.today))
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            task = new_task(ctx, rng, plan, monday, h, next(numbers))
            tasks.append(task)
            if rng.random() < 0.05:
                for _ in range(rng.randint(1, 3)):
                    subtasks.append(subtask(ctx, rng, plan, task, next(numbers)))
    return tasks, subtasks


def new_task(ctx: Context, rng: random.Random, plan: ClientPlan, monday: dt.date, h: float, number: int) -> Task:
    assignee = plan.am if rng.random() < 0.55 else plan.designer
    due = monday + dt.timedelta(days=rng.randint(0, 4))
    created = at(due - dt.timedelta(days=rng.randint(3, 14)), rng.randint(8, 17), rng.randint(0, 59))
    started = (created + dt.timedelta(days=rng.randint(0, 3))).date() if rng.random() < 0.6 else None
    completed = task_completion(ctx, rng, plan, due, h)
    # When a client leaves, its project is archived and the open tasks are deleted at the source.
    deleted = at(plan.churned_on + dt.timedelta(days=14), 3) if plan.churned_on and not completed else None
    sections = SECTIONS[plan.source_kind]
    section = sections[3] if completed else (sections[1] if started and started <= ctx.today else sections[0])
    waiting = rng.random() < 0.05 + 0.25 * (1 - h)
    created = min(created, ctx.now - dt.timedelta(hours=2))
    return Task(
        source=plan.project.source,
        external_id=external_id(plan.source_kind, 3, plan.index * 10**6 + number),
        project=plan.project,
        client=plan.client,
        name=rng.choice(TASK_TEMPLATES).format(topic=rng.choice(TOPICS)),
        assignee=assignee,
        assignee_email=assignee.email,
        section=section,
        created_at_source=created,
        started_on=started if started is None or started <= due else due,
        due_on=due,
        completed_at=completed,
        modified_at=max(created, completed or created) + dt.timedelta(minutes=rng.randint(1, 600)),
        deleted_at=deleted if deleted and deleted < ctx.now else None,
        waiting_on_client_hours=Decimal(str(round(rng.uniform(0.5, 12), 1))) if waiting else ZERO,
        synced_at=ctx.now - dt.timedelta(hours=rng.randint(1, 20)),
    )


def task_completion(ctx: Context, rng: random.Random, plan: ClientPlan, due: dt.date, h: float) -> dt.datetime | None:
    on_time = rng.random() < 0.45 + 0.52 * h
    if on_time:
        day = due - dt.timedelta(days=rng.randint(0, 3))
    else:
        day = due + dt.timedelta(days=rng.randint(1, 7 if h > 0.55 else 25))
    if day >= ctx.today or (plan.churned_on and day >= plan.churned_on):
        return None  # not done yet: open, and overdue once the due date passes
    return at(day, rng.randint(9, 18), rng.randint(0, 59))


def subtask(ctx: Context, rng: random.Random, plan: ClientPlan, parent: Task, number: int) -> Task:
    return Task(
        source=parent.source,
        external_id=external_id(plan.source_kind, 3, plan.index * 10**6 + number),
        project=parent.project,
        client=parent.client,
        parent=parent,
        name=rng.choice(("Draft", "Review", "Client sign-off", "Publish")) + f": {parent.name.lower()}",
        assignee=parent.assignee,
        assignee_email=parent.assignee_email,
        section=parent.section,
        created_at_source=parent.created_at_source,
        due_on=parent.due_on,
        completed_at=parent.completed_at,
        modified_at=parent.modified_at,
        deleted_at=parent.deleted_at,
        synced_at=parent.synced_at,
    )


def time_entries(ctx: Context, plan: ClientPlan, plan_tasks: list[Task]) -> list[TimeEntry]:
    """Hours per person per week, around the client's monthly budget (a few run well over it)."""
    rng = ctx.rng("time", plan.index)
    by_week: dict[tuple[dt.date, int], Task] = {}
    for task in plan_tasks:
        by_week.setdefault((week_start(task.due_on), task.assignee_id), task)
    weekly = float(plan.hours_budget) / 4.33 * plan.hours_factor
    entries = []
    for monday in plan.weeks(ctx):
        h = plan.health(monday)
        for person, share in ((plan.am, 0.65), (plan.designer, 0.5)):
            if person is plan.designer and rng.random() < 0.3:
                continue
            day = monday + dt.timedelta(days=rng.randint(0, 4))
            started = at(day, rng.randint(9, 15), rng.choice((0, 15, 30, 45)))
            if started >= ctx.now:
                continue
            task = by_week.get((monday, person.pk))
            synced = plan.source_kind == "clickup"
            entries.append(
                TimeEntry(
                    source=plan.project.source if synced else None,
                    external_id=f"te{plan.index}-{monday:%Y%m%d}-{person.pk}" if synced else None,
                    user=person,
                    client=plan.client,
                    task=task,
                    started_at=started,
                    hours=hours(weekly * share * rng.uniform(0.7, 1.3) * (1.15 - 0.3 * h)),
                    description=task.name if task else "Account work",
                )
            )
    return entries


def build_sync_runs(ctx: Context, sources: dict[str, Source]) -> None:
    """A week of nightly runs per source, the last one this morning (or last night)."""
    runs = []
    tasks_per_source = dict(
        Task.objects.filter(deleted_at__isnull=True)
        .values("source_id")
        .annotate(n=models.Count("pk"))
        .values_list("source_id", "n")
    )
    for kind, source in sources.items():
        rng = ctx.rng("sync", kind)
        total = tasks_per_source.get(source.pk, 0)
        last = source.cursor
        for back in range(6, -1, -1):
            started = last - dt.timedelta(days=back, minutes=rng.randint(0, 20))
            fetched = max(1, int(total * rng.uniform(0.004, 0.012)))
            full = started.weekday() == 0
            partial = back == 4 and kind == "clickup"
            runs.append(
                SyncRun(
                    source=source,
                    mode=SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL,
                    status=SyncRun.Status.PARTIAL if partial else SyncRun.Status.SUCCEEDED,
                    queued_at=started - dt.timedelta(seconds=5),
                    started_at=started,
                    finished_at=started + dt.timedelta(seconds=rng.randint(20, 240)),
                    fetched=total if full else fetched,
                    created=int(fetched * 0.3),
                    updated=int(fetched * 0.6),
                    unchanged=(total - fetched) if full else fetched - int(fetched * 0.3) - int(fetched * 0.6),
                    skipped=1 if partial else 0,
                    time_entries=rng.randint(20, 200) if kind == "clickup" else 0,
                    progress="Done",
                    errors=[{"kind": "skipped", "external_id": "86c0ffee1", "message": "list: Field required"}]
                    if partial
                    else [],
                    live_tasks=total,
                    cursor_before=started - dt.timedelta(days=1, minutes=15),
                    cursor_after=started - dt.timedelta(minutes=15),
                )
            )
    bulk(SyncRun, runs)


# --- contacts, risk, NPS -------------------------------------------------------------------

CONTACT_SUMMARIES = {
    "positive": (
        "Weekly call: happy with the {topic} results, approved next month's plan.",
        "Shared the {topic} report; sponsor forwarded it to their board.",
        "Quick chat: they want to expand the {topic} work next quarter.",
        "Review meeting went well; agreed two new goals around {topic}.",
    ),
    "neutral": (
        "Weekly call: walked through {topic} progress and open tasks.",
        "Sent the monthly report; questions about {topic} answered.",
        "Checked in on {topic} assets; waiting on their feedback.",
        "Agreed the agenda for the next review.",
    ),
    "negative": (
        "Call: frustrated that {topic} results are slower than promised.",
        "They questioned the value of the {topic} work and asked for a cost review.",
        "Missed call; follow-up email about the late {topic} deliverable.",
        "Sponsor asked for a plan to turn {topic} around within a month.",
    ),
}
CHANNELS = (
    (Contact.Channel.CALL, 35),
    (Contact.Channel.EMAIL, 35),
    (Contact.Channel.MEETING, 18),
    (Contact.Channel.CHAT, 12),
)


def contacts(ctx: Context, plan: ClientPlan) -> list[Contact]:
    """Touchpoints whose gaps widen and tone sours as health falls; slipping clients go quiet."""
    rng = ctx.rng("contacts", plan.index)
    stale = 7 if plan.premium else 14
    base = 3.0 if plan.premium else 6.0
    last_day = plan.end - dt.timedelta(days=1)
    if plan.fate == "slipping":
        last_day = ctx.today - dt.timedelta(days=stale + rng.randint(4, 14))
    rows, day = [], plan.history_start(ctx)
    while day <= last_day:
        rows.append(contact(rng, plan, day))
        h = plan.health(day)
        day += dt.timedelta(days=max(1, round(base * (1 + 3 * (1 - h)) * rng.uniform(0.5, 1.5))))
    if not rows:  # even a client gone quiet was spoken to once
        rows.append(contact(rng, plan, plan.history_start(ctx)))
    recent = max(plan.started_on, ctx.today - dt.timedelta(days=rng.randint(0, stale // 2)))
    if plan.fate == "healthy" and (not rows or rows[-1].contacted_on < ctx.today - dt.timedelta(days=stale * 4 // 5)):
        rows.append(contact(rng, plan, recent))  # healthy accounts have been spoken to lately
    return rows


def contact(rng: random.Random, plan: ClientPlan, day: dt.date) -> Contact:
    h = plan.health(day)
    roll = rng.random()
    sentiment = "positive" if roll < 0.55 * h else ("negative" if roll > 1 - 0.6 * (1 - h) else "neutral")
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    who = plan.main_contact if rng.random() < 0.8 else f"{plan.main_contact}, {plan.sponsor}"
    return Contact(
        client=plan.client,
        contacted_on=day,
        channel=channel,
        who=who[:200],
        summary=rng.choice(CONTACT_SUMMARIES[sentiment]).format(topic=rng.choice(TOPICS)),
        sentiment=sentiment,
        logged_by=plan.am,
        created_at=at(day, rng.randint(9, 18), rng.randint(0, 59)),
    )


REASONS_BY_CHURN = {
    ChurnReason.PRICE: RiskReason.BUDGET_CUT,
    ChurnReason.VALUE: RiskReason.VALUE_NOT_UNDERSTOOD,
    ChurnReason.COMPETITOR: RiskReason.COMPETITOR,
    ChurnReason.SPONSOR_LEFT: RiskReason.SPONSOR_LEFT,
    ChurnReason.DELIVERY: RiskReason.MISSED_DELIVERABLES,
    ChurnReason.IN_HOUSE: RiskReason.VALUE_NOT_UNDERSTOOD,
    ChurnReason.BUSINESS_CLOSED: RiskReason.BUDGET_CUT,
    ChurnReason.OTHER: RiskReason.OTHER,
}
RISK_NOTES = {
    4: ("Steady and engaged; no concerns.", "Results ahead of plan; sponsor happy.", "Routine check: all good."),
    3: (
        "Mostly fine; usage dipped this month.",
        "A few slow replies; keep an eye on it.",
        "Good results but one deliverable slipped.",
    ),
    2: (
        "Replies are slow and tone is cooler; booked a review call.",
        "Sponsor asked about cost; preparing an ROI summary.",
        "Two missed deliverables; recovery plan agreed with the pod.",
    ),
    1: (
        "Client has gone quiet and mentioned alternatives; escalated to leadership.",
        "Budget review under way; renewal at serious risk.",
        "Main contact left; no new sponsor yet.",
    ),
}


def risk_score(h: float) -> int:
    return 4 if h > 0.72 else 3 if h > 0.5 else 2 if h > 0.3 else 1


def risk_assessments(ctx: Context, plan: ClientPlan) -> list[RiskAssessment]:
    """Every 2–6 weeks, more often when the score is low; the latest counts as current."""
    rng = ctx.rng("risk", plan.index)
    rows, day = [], plan.history_start(ctx) + dt.timedelta(days=rng.randint(3, 14))
    while day < plan.end:
        score = risk_score(plan.health(day) + rng.gauss(0, 0.06))
        rows.append(assessment(rng, plan, day, score))
        day += dt.timedelta(weeks=rng.randint(2, 5) if score >= 3 else rng.randint(1, 3), days=rng.randint(0, 3))
    if plan.fate == "slipping":  # reassessed lately, and it shows
        day = ctx.today - dt.timedelta(days=rng.randint(1, 10))
        rows = [r for r in rows if r.assessed_at < at(day)]
        rows.append(assessment(rng, plan, day, rng.choice((1, 2, 2))))
    return rows


def assessment(rng: random.Random, plan: ClientPlan, day: dt.date, score: int) -> RiskAssessment:
    reasons = risk_reasons(rng, plan, score)
    communication = max(1, min(4, score + rng.choice((-1, 0, 0, 1))))
    return RiskAssessment(
        client=plan.client,
        score=score,
        communication_level=communication,
        reasons=sorted(set(reasons), key=RiskReason.values.index),
        note=rng.choice(RISK_NOTES[score]),
        assessed_by=plan.am,
        assessed_at=at(day, rng.randint(9, 17), rng.randint(0, 59)),
    )


def risk_reasons(rng: random.Random, plan: ClientPlan, score: int) -> list[str]:
    if score == 4:
        return [RiskReason.OTHER if rng.random() < 0.7 else RiskReason.LOW_USAGE]
    pool = [
        RiskReason.NO_CONTACT,
        RiskReason.LOW_USAGE,
        RiskReason.VALUE_NOT_UNDERSTOOD,
        RiskReason.NEGATIVE_TONE,
        RiskReason.MANY_TICKETS,
        RiskReason.MISSED_DELIVERABLES,
    ]
    reasons = rng.sample(pool, 1 if score == 3 else rng.randint(2, 3))
    if plan.churn_reason and score <= 2:
        reasons.append(REASONS_BY_CHURN[plan.churn_reason])
    if plan.fate == "slipping" and score <= 2:
        reasons.append(RiskReason.NO_CONTACT)
    return [str(r) for r in reasons]


NPS_COMMENTS = {
    "promoter": ("Great team, results speak for themselves.", "Proactive and easy to work with.", ""),
    "passive": ("Good work, reporting could be clearer.", "Solid, but we expected faster results.", ""),
    "detractor": (
        "We are not seeing the return we expected.",
        "Communication has dropped off lately.",
        "Deadlines keep slipping.",
    ),
}


def nps_responses(ctx: Context, plan: ClientPlan) -> list[NPSResponse]:
    """Roughly quarterly; scores follow health, so declining clients turn detractor."""
    rng = ctx.rng("nps", plan.index)
    rows, day = [], plan.history_start(ctx) + dt.timedelta(days=rng.randint(20, 80))
    while day < plan.end:
        if rng.random() < 0.85:
            h = plan.health(day)
            score = max(0, min(10, round(2 + 8.5 * h + rng.gauss(0, 1.0))))
            category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            rows.append(
                NPSResponse(
                    client=plan.client,
                    score=score,
                    comment=rng.choice(NPS_COMMENTS[category]),
                    respondent=plan.main_contact,
                    responded_on=day,
                    recorded_by=plan.am,
                )
            )
        day += dt.timedelta(days=rng.randint(75, 110))
    if plan.churned_on and not any(
        r.score <= 6 and r.responded_on >= plan.churned_on - dt.timedelta(days=90) for r in rows
    ):
        day = plan.churned_on - dt.timedelta(days=rng.randint(20, 60))
        rows.append(
            NPSResponse(
                client=plan.client,
                score=rng.randint(1, 5),
                comment=rng.choice(NPS_COMMENTS["detractor"]),
                respondent=plan.main_contact,
                responded_on=max(day, plan.started_on),
                recorded_by=plan.am,
            )
        )
    return rows


# --- tactics, experiments, reviews ---------------------------------------------------------

TACTICS = (
    ("Weekly wins email to the sponsor", "Send a short Friday summary of results to the executive sponsor."),
    ("Quarterly business review with the CEO", "Present results and the next quarter's plan to the CEO."),
    ("Shift budget to best-converting channel", "Move 20% of spend to the channel with the lowest CPA."),
    ("Refresh the content calendar", "Rebuild the calendar around the top search intents."),
    ("Add a second point of contact", "Bring in a second stakeholder to reduce single-contact risk."),
    ("Landing page per campaign", "One dedicated landing page for each paid campaign."),
    ("Monthly Loom walkthrough", "Record a five-minute video walking through the monthly report."),
    ("Bundle CRO with paid search", "Run landing-page tests on the paid-search traffic."),
)
EXPERIMENTS = (
    ("Hero headline: benefit vs feature", "A benefit-led headline lifts sign-ups."),
    ("Shorter checkout form", "Removing three fields raises completed checkouts."),
    ("Social proof above the fold", "Logos above the fold raise demo requests."),
    ("CTA colour contrast", "A higher-contrast button raises clicks."),
    ("Pricing page annual toggle", "Defaulting to annual raises plan value."),
    ("Video vs static hero", "A product video raises time on page and conversions."),
)


def tactics(ctx: Context, plan: ClientPlan) -> list[Tactic]:
    rng = ctx.rng("tactics", plan.index)
    rows, day = [], plan.history_start(ctx) + dt.timedelta(days=rng.randint(14, 60))
    while day < plan.end - dt.timedelta(days=7):
        title, description = rng.choice(TACTICS)
        ended = day + dt.timedelta(weeks=rng.randint(3, 6))
        h = plan.health(day)
        outcome = rng.choices(
            (Outcome.WIN, Outcome.LOSS, Outcome.INCONCLUSIVE), (0.2 + 0.5 * h, 0.1 + 0.4 * (1 - h), 0.2)
        )[0]
        if ended >= min(ctx.today, plan.end):
            ended, outcome = (None, Outcome.PENDING) if not plan.churned_on else (plan.end, Outcome.LOSS)
        rows.append(
            Tactic(
                client=plan.client,
                owner=plan.am,
                title=title,
                description=description,
                started_on=day,
                ended_on=ended,
                outcome=outcome,
                created_at=at(day, 11),
            )
        )
        day += dt.timedelta(weeks=rng.randint(5, 10))
    return rows


def experiments(ctx: Context, plan: ClientPlan) -> list[Experiment]:
    rng = ctx.rng("experiments", plan.index)
    rows, day = [], plan.history_start(ctx) + dt.timedelta(days=rng.randint(20, 90))
    while day < plan.end - dt.timedelta(days=7):
        title, hypothesis = rng.choice(EXPERIMENTS)
        ended = day + dt.timedelta(weeks=rng.randint(2, 4))
        # Most tests reach the 95% threshold; about a third stop short and count as inconclusive.
        confidence = Decimal(str(round(rng.uniform(95, 99.9) if rng.random() < 0.65 else rng.uniform(78, 94.9), 1)))
        outcome = Outcome.WIN if rng.random() < 0.35 + 0.35 * plan.health(day) else Outcome.LOSS
        if ended >= min(ctx.today, plan.end):
            ended, outcome, confidence = None, Outcome.PENDING, None
        rows.append(
            Experiment(
                client=plan.client,
                owner=plan.designer,
                title=title,
                hypothesis=hypothesis,
                started_on=day,
                ended_on=ended,
                outcome=outcome,
                confidence=confidence,
                created_at=at(day, 11),
            )
        )
        day += dt.timedelta(weeks=rng.randint(8, 14))
    return rows


def quarterly_reviews(ctx: Context, plan: ClientPlan) -> list[QuarterlyReview]:
    """Submitted near the end of each past quarter (a few missing), drafts for some this quarter."""
    rng = ctx.rng("reviews", plan.index)
    rows = []
    year, quarter = quarter_of(plan.history_start(ctx))
    this = quarter_of(ctx.today)
    while (year, quarter) <= this:
        next_year, next_quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        end = quarter_start(next_year, next_quarter) - dt.timedelta(days=1)
        if plan.churned_on and end >= plan.churned_on:
            break
        if (year, quarter) == this:
            if rng.random() < 0.25 and (ctx.today - plan.started_on).days > 30:
                rows.append(review(ctx, rng, plan, year, quarter, end, submitted=None))
        elif rng.random() < 0.93 and end - plan.started_on > dt.timedelta(days=30):
            submitted = at(end - dt.timedelta(days=rng.randint(0, 14)), rng.randint(10, 17))
            rows.append(review(ctx, rng, plan, year, quarter, min(end, ctx.today), submitted=submitted))
        year, quarter = next_year, next_quarter
    return rows


def review(
    ctx: Context,
    rng: random.Random,
    plan: ClientPlan,
    year: int,
    quarter: int,
    day: dt.date,
    submitted: dt.datetime | None,
) -> QuarterlyReview:
    h = plan.health(day)
    score = risk_score(h)
    services = ", ".join(SERVICE_LABELS[s] for s in plan.services)
    topic = rng.choice(TOPICS)
    frequency = QuarterlyReview.Frequency
    return QuarterlyReview(
        client=plan.client,
        year=year,
        quarter=quarter,
        status=QuarterlyReview.Status.SUBMITTED if submitted else QuarterlyReview.Status.DRAFT,
        main_contact=plan.main_contact,
        executive_sponsor=plan.sponsor,
        active_stakeholders=max(1, round(1 + 4 * h + rng.gauss(0, 0.7))),
        usage_description=f"Uses our {services} work to drive {topic} pipeline; reports go to the leadership team.",
        usage_frequency=rng.choice(
            (frequency.DAILY, frequency.WEEKLY) if h > 0.5 else (frequency.MONTHLY, frequency.RARELY)
        ),
        services_used=services.capitalize(),
        departments_involved=rng.choice(("Marketing, Sales", "Marketing, Ecommerce", "Marketing, Product, Sales")),
        workflow_entry_point=rng.choice(
            (
                "Campaign planning at the monthly marketing meeting",
                "Weekly sales pipeline review",
                "Quarterly board pack",
            )
        ),
        reporting_cadence=rng.choice((frequency.WEEKLY, frequency.MONTHLY)),
        integrations_in_use=rng.choice(("GA4, HubSpot", "GA4, Salesforce, Looker Studio", "Shopify, Klaviyo, GA4")),
        process_blockers="None this quarter." if h > 0.6 else "Slow approvals on their side; assets arrive late.",
        top_goals=f"Grow {topic} revenue; lower acquisition cost; launch the new site section.",
        kpis="Qualified leads, cost per acquisition, revenue from digital channels.",
        kpi_vs_target=(
            "Leads 8% above target; CPA on target." if h > 0.7 else "Leads 15% below target; CPA 10% above target."
        ),
        budget_trend=QuarterlyReview.Trend.GROWING
        if h > 0.75
        else QuarterlyReview.Trend.FLAT
        if h > 0.45
        else QuarterlyReview.Trend.SHRINKING,
        upcoming_changes="No changes planned." if h > 0.5 else "New marketing lead joining; budget under review.",
        competitors_evaluated="None." if h > 0.5 else "They took calls with two other agencies.",
        value_understanding=score,
        value_cases_achieved=f"{rng.randint(1, 4)} value cases: {topic} campaign, reporting dashboard.",
        last_value_demonstrated_on=day - dt.timedelta(days=rng.randint(3, 40)),
        roi_statement=f"Every $1 spent returned about ${1 + 4 * h:.1f} in attributed revenue.",
        understanding_gaps="None noted." if h > 0.6 else "Sees reports but not the link to revenue.",
        co_marketing_readiness=(
            QuarterlyReview.Readiness.READY
            if h > 0.8
            else QuarterlyReview.Readiness.OPEN
            if h > 0.55
            else QuarterlyReview.Readiness.NOT_YET
        ),
        latest_nps=max(0, min(10, round(2 + 8.5 * h))),
        communication_level=max(1, min(4, score + rng.choice((-1, 0, 0)))),
        upsell_opportunities=(
            f"Add {SERVICE_LABELS[rng.choice(SERVICES)]}; extend to a second brand."
            if h > 0.6
            else "None until results recover."
        ),
        risks_identified="Low: keep momentum." if h > 0.7 else "Sponsor engagement and results pace.",
        action_plan=(
            f"1. Share the {topic} results deck (AM, in two weeks). "
            "2. Plan next quarter's objectives (pod, end of month). 3. Book the next review (AM)."
        ),
        created_by=plan.am,
        submitted_at=submitted,
        submitted_by=plan.am if submitted else None,
    )


def goal_title_checksum() -> str:
    """A digest of every weekly goal's client, week and title: equal digests, equal goals."""
    digest = hashlib.sha256()
    rows = WeeklyGoal.objects.order_by("client__name", "week_start", "title").values_list(
        "client__name", "week_start", "title"
    )
    for name, week, title in rows.iterator(chunk_size=5000):
        digest.update(f"{name}|{week}|{title}\n".encode())
    return digest.hexdigest()


def key_figures() -> dict[str, object]:
    """What must be equal between two runs with the same seed."""
    return {
        "counts": counts(),
        "mrr": Client.objects.aggregate(total=models.Sum("mrr"))["total"],
        "goals": goal_title_checksum(),
    }
