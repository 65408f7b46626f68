"""The demo's clients: a plan per client (fate, health, revenue), then the clients, their revenue
events and kickoff items."""

import datetime as dt
import random
from decimal import Decimal

from accounts.models import User
from clients.models import ChurnReason, Client, KickoffItem, LifecycleStage, RevenueEvent, Tier
from godview.demo.base import (
    CHURN_SHARE,
    FIRST_NAMES,
    HISTORY_WEEKS,
    LAST_NAMES,
    SERVICE_LABELS,
    SERVICES,
    SLIPPING_SHARE,
    ClientPlan,
    Context,
    Team,
    bulk,
    money,
    words,
)
from godview.demo.waiting import agreed_response_days

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


def build_clients(ctx: Context, plans: list[ClientPlan]) -> None:
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
        agreed_response_days=agreed_response_days(ctx, plan),
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
