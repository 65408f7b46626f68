"""Shared by the demo builders: constants, the seeded Context and its streams, the plans (Team,
ClientPlan), bulk writes, progress lines, and the vocabulary several builders draw from."""

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.db import connection, models
from django.utils import timezone

from accounts.models import Pod, User
from clients.models import Client, Objective
from core.weeks import agency_tz, today, week_start
from tasks.models import ExternalProject

MIN_CLIENTS = 20
MAX_CLIENTS = 2000
DEFAULT_CLIENTS = 160
DEFAULT_SEED = 42
# 53 weeks: the longest God-view period (26 weeks) and the one before it, for the deltas.
DEFAULT_ROLLUP_DAYS = 371
PASSWORD = "godview"
DEMO_LOGINS = ("leader", "podlead", "am", "designer", "admin", "finance", "advisor")
HISTORY_WEEKS = 78  # 18 months
CLIENTS_PER_POD = 20
CHURN_SHARE = 0.12
SLIPPING_SHARE = 0.06
CHUNK = 40  # clients generated and written together
BATCH = 2000  # rows per INSERT
EMAIL_DOMAIN = "brightpath.example"
ZERO = Decimal("0")


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


PREPARED = (models.DateField, models.DecimalField, models.JSONField, models.DurationField, models.UUIDField)
PLAIN_TYPES = (int, str, bool, type(None))
MAX_PARAMETERS = 30000  # under SQLite's 32,766 variables per statement


def bulk(model: type[models.Model], rows: Sequence[models.Model]) -> list[models.Model]:
    """`bulk_create` of new rows, without its per-row compiling (two thirds of the demo's writing
    time): multi-row INSERT … RETURNING the ids, each value prepared by its field as the ORM would
    (plain ints and strings as they are). Models with database defaults keep `bulk_create`."""
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if (
        connection.vendor not in ("sqlite", "postgresql")
        or any(f.has_db_default() for f in fields)
        or any(row.pk is not None for row in rows)
    ):
        return model.objects.bulk_create(rows, batch_size=BATCH)
    relations = [f for f in fields if f.is_relation]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(BATCH, MAX_PARAMETERS // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = []
            for row in batch:
                for f in relations:  # a parent saved since this row was built: take its id now
                    if getattr(row, f.attname) is None and f.is_cached(row):
                        parent = f.get_cached_value(row)
                        setattr(row, f.attname, parent.pk if parent is not None else None)
                for f in fields:
                    value = f.pre_save(row, True) if isinstance(f, PREPARED) else getattr(row, f.attname)
                    if isinstance(f, PREPARED) or type(value) not in PLAIN_TYPES:
                        value = f.get_db_prep_save(value, connection)
                    params.append(value)
            cursor.execute(head + ", ".join([row_sql] * len(batch)) + f" RETURNING {quote(meta.pk.column)}", params)
            for row, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                row.pk = pk
                row._state.adding, row._state.db = False, connection.alias
    return list(rows)


def say(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")
        stdout.flush()


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- vocabulary shared by several builders -------------------------------------------------

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
SERVICES = ("seo", "ppc", "content", "cro", "email", "social")
SERVICE_LABELS = {
    "seo": "SEO",
    "ppc": "paid search",
    "content": "content marketing",
    "cro": "conversion optimisation",
    "email": "email marketing",
    "social": "paid social",
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
