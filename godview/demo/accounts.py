"""The demo's people: a leadership team, an admin, and pods of a pod lead, two AMs and a designer."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from accounts.models import Pod, Role, User
from core.weeks import today
from godview.demo.base import (
    BATCH,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    PASSWORD,
    Context,
    PodTeam,
    Team,
    at,
    bulk,
    words,
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
        Role.FINANCE: (55, 75),
        Role.VIEWER: (0, 0),
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
    build_office(ctx, password)

    teams = []
    for p, pod in enumerate(pods):
        lead, am1, am2, designer = users[n_leaders + 1 + 4 * p : n_leaders + 5 + 4 * p]
        pod.lead = lead
        teams.append(PodTeam(pod=pod, lead=lead, ams=[am1, am2], designer=designer))
    Pod.objects.bulk_update(pods, ["lead"], batch_size=BATCH)
    skill = {am.pk: rng.uniform(0.0, 1.0) for t in teams for am in t.ams}
    return Team(leaders=users[:n_leaders], admin=users[n_leaders], pods=teams, skill=skill)


# The finance controller (revenue, contracts, imports; admin for the imports) and a read-only
# advisor. Their own random stream, so adding them changed nobody else in the demo agency.
FINANCE_PERMISSIONS = ("view_revenueevent", "view_contract", "add_contract", "change_contract", "view_client")


def build_office(ctx: Context, password: str) -> None:
    rng = ctx.rng("people-office")
    finance = new_user(rng, "finance", ("Farida", "Haddad"), Role.FINANCE, "Finance controller", is_staff=True)
    advisor = new_user(rng, "advisor", ("Mila", "Sørensen"), Role.VIEWER, "Board advisor (read-only)")
    advisor.cost_rate = None
    for user in (finance, advisor):
        user.password = password
        user.date_joined = at(user.hired_on)
        user.email = f"{user.username}@{EMAIL_DOMAIN}"
    finance, advisor = bulk(User, [finance, advisor])
    finance.user_permissions.set(Permission.objects.filter(codename__in=FINANCE_PERMISSIONS))


def pod_name(i: int) -> str:
    name = POD_NAMES[i % len(POD_NAMES)]
    return name if i < len(POD_NAMES) else f"{name} {i // len(POD_NAMES) + 1}"
