"""The demo's share of the agency's playbook (issue 20): the premium service format, the problems
clients raise (voice of the client), who from the agency took part in calls, onboarding templates
and handoffs, and execution failures with the modules they assign. Every random choice has its
own stream, so the rest of the demo is the same with or without this part."""

import datetime as dt

from accounts.models import Pod, Role
from clients.models import (
    Client,
    Contact,
    DeliverableCheck,
    Handoff,
    HandoffItem,
    LifecycleStage,
    NPSResponse,
    OnboardingTemplate,
    OnboardingTemplateItem,
    RiskReason,
    Tier,
    TierDeliverable,
)
from godview.demo.base import ClientPlan, Context, Team, bulk
from training.models import ExecutionFailure, TrainingAssignment, TrainingModule, TrainingResult

PREMIUM_CADENCE_DAYS = 14
PREMIUM_DELIVERABLES = (
    "Monthly executive report for the sponsor",
    "Competitor watch briefing",
    "Senior strategist review of the roadmap",
)
# What each negative contact summary and detractor comment of godview.demo.history is about.
CONTACT_PROBLEMS = {
    "slower than promised": RiskReason.VALUE_NOT_UNDERSTOOD,
    "cost review": RiskReason.BUDGET_CUT,
    "late": RiskReason.MISSED_DELIVERABLES,
    "turn": RiskReason.NEGATIVE_TONE,
}
NPS_PROBLEMS = {
    "return": RiskReason.VALUE_NOT_UNDERSTOOD,
    "Communication": RiskReason.NO_CONTACT,
    "Deadlines": RiskReason.MISSED_DELIVERABLES,
}
TEMPLATES = {
    "Standard onboarding": (
        "standard",
        2,
        [
            ("kickoff", "Kickoff call with the main contact"),
            ("kickoff", "Get access to analytics and ad accounts"),
            ("kickoff", "Fix the three worst landing-page issues"),
            ("objective", "Grow qualified leads", "qualified leads / month", 40, 60),
            ("handoff", "Read the proposal and the signed scope"),
            ("handoff", "Sales call notes reviewed with the seller"),
            ("handoff", "Introduce the AM to the sponsor by email"),
        ],
    ),
    "Premium onboarding": (
        "premium",
        1,
        [
            ("kickoff", "Kickoff workshop with the sponsor and a senior strategist"),
            ("kickoff", "Audit tracking and conversion events"),
            ("kickoff", "Ship the first quick-win campaign"),
            ("objective", "Raise the conversion rate", "conversion rate %", 2, 3),
            ("objective", "Lower the cost per acquisition", "cost per acquisition", 120, 90),
            ("handoff", "Read the proposal and the signed scope"),
            ("handoff", "Sales call notes reviewed with the seller"),
            ("handoff", "Book the fortnightly senior call series"),
            ("handoff", "Agree the monthly executive report's format"),
        ],
    ),
}
PROMISES = (
    "A first campaign live within three weeks and a monthly report the board can read.",
    "Leads up by half within the quarter; a named senior strategist on every fortnightly call.",
    "Weekly calls, an answer within a business day, and a clear plan for the relaunch.",
)
SELLERS = ("Nadia Benali (sales)", "Tom Becker (sales)", "Olga Sokolova (partnerships)")
FAILURES = (
    "Sent the monthly report a week late without telling the client.",
    "Missed the weekly goal review; two goals ran past their deadline unnoticed.",
    "Logged no risk assessment after a bad call; the client escalated to the sponsor.",
    "Changed the campaign without the client's sign-off.",
)


def set_up_service_format() -> None:
    """Premium: a call every two weeks with a senior person present, and three extra deliverables."""
    Tier.objects.filter(code="premium").update(cadence_days=PREMIUM_CADENCE_DAYS, cadence_needs_senior=True)
    for tier in Tier.objects.filter(code="premium"):
        for n, title in enumerate(PREMIUM_DELIVERABLES, start=1):
            TierDeliverable.objects.get_or_create(tier=tier, title=title, defaults={"position": n})


def _problem(text: str, mapping: dict) -> str:
    return next((code for key, code in mapping.items() if key in text), RiskReason.OTHER)


def voice_problems(contacts: list[Contact], responses: list[NPSResponse]) -> None:
    """The problem each negative contact raised and each detractor's comment is about (in place)."""
    for contact in contacts:
        if contact.sentiment == Contact.Sentiment.NEGATIVE:
            contact.problem = _problem(contact.summary, CONTACT_PROBLEMS)
    for response in responses:
        if response.score <= 6 and response.comment:
            response.problem = _problem(response.comment, NPS_PROBLEMS)


def agency_people(ctx: Context, plans: list[ClientPlan], contacts: list[Contact]) -> None:
    """Who from the agency took part in each call and meeting: the AM, and on most premium calls the
    pod lead; slipping premium accounts have lost their senior person lately."""
    leads = dict(Pod.objects.values_list("pk", "lead_id"))
    by_client = {p.client.pk: p for p in plans}
    through = Contact.agency_people.through
    rows = []
    for contact in contacts:
        if contact.channel not in (Contact.Channel.CALL, Contact.Channel.MEETING):
            continue
        plan = by_client[contact.client_id]
        rng = ctx.rng("attended", plan.index, contact.contacted_on.isoformat())
        rows.append(through(contact_id=contact.pk, user_id=plan.am.pk))
        lead = leads.get(plan.am.pod_id)
        recent = (ctx.today - contact.contacted_on).days < 45
        senior = plan.premium and rng.random() < 0.75 and not (plan.fate == "slipping" and recent)
        if lead and lead != plan.am.pk and senior:
            rows.append(through(contact_id=contact.pk, user_id=lead))
    bulk(through, rows)


def build_onboarding(ctx: Context, plans: list[ClientPlan]) -> int:
    """Two templates; a handoff for every client still onboarding, its checklist ticked as far as
    the days since its start go (one client of `am` is left to start from a template)."""
    templates = {}
    for name, (tier_code, days, items) in TEMPLATES.items():
        template, created = OnboardingTemplate.objects.get_or_create(
            name=name, defaults={"tier": Tier.objects.filter(code=tier_code).first(), "agreed_response_days": days}
        )
        if created:
            bulk(
                OnboardingTemplateItem,
                [
                    OnboardingTemplateItem(
                        template=template,
                        kind=kind,
                        position=n,
                        text=text,
                        metric=rest[0] if rest else "",
                        baseline=rest[1] if rest else 0,
                        target=rest[2] if rest else None,
                    )
                    for n, (kind, text, *rest) in enumerate(items, start=1)
                ],
            )
        templates[tier_code] = template
    onboarding = [p for p in plans if p.lifecycle == LifecycleStage.ONBOARDING]
    spare = next((p for p in onboarding if p.am.username == "am"), None)
    handoffs, checklists = [], []
    for plan in onboarding:
        if plan is spare and sum(p.am.username == "am" for p in onboarding) > 1:
            continue
        rng = ctx.rng("handoff", plan.index)
        template = templates["premium" if plan.premium else "standard"]
        handoff = Handoff(
            client=plan.client,
            template=template,
            sold_by=rng.choice(SELLERS),
            promised=rng.choice(PROMISES),
            started_on=plan.started_on,
            created_by=plan.am,
        )
        handoffs.append(handoff)
        days = (ctx.today - plan.started_on).days
        texts = [i.text for i in template.items.all() if i.kind == OnboardingTemplateItem.Kind.HANDOFF]
        checklists.append((handoff, texts, days))
    bulk(Handoff, handoffs)
    items = []
    for handoff, texts, days in checklists:
        for n, text in enumerate(texts, start=1):
            done = n * 7 <= days + 3
            day = handoff.started_on + dt.timedelta(days=min(n * 5, max(days, 0)))
            items.append(HandoffItem(handoff=handoff, position=n, text=text, done_on=day if done else None))
    bulk(HandoffItem, items)
    return len(handoffs)


def tick_deliverables(ctx: Context, plans: list[ClientPlan]) -> None:
    """This month's and last month's premium deliverables, most ticked, fewer for slipping accounts."""
    deliverables = list(TierDeliverable.objects.filter(tier__code="premium", active=True))
    this_month = ctx.today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    checks = []
    for plan in plans:
        if not plan.premium or plan.churned_on:
            continue
        rng = ctx.rng("deliverables", plan.index)
        for month in (last_month, this_month):
            for d in deliverables:
                chance = 0.4 if plan.fate == "slipping" else 0.85
                if month == this_month:
                    chance /= 2
                if rng.random() < chance and month >= plan.started_on.replace(day=1):
                    done_on = min(ctx.today, month + dt.timedelta(days=rng.randint(3, 25)))
                    checks.append(DeliverableCheck(client=plan.client, deliverable=d, month=month, done_on=done_on))
    bulk(DeliverableCheck, checks)


def build_failures(ctx: Context, team: Team) -> int:
    """Two or three execution failures per pod, recorded by its lead; each assigns its module."""
    modules = list(TrainingModule.objects.filter(active=True).order_by("pk"))
    if not modules:
        return 0
    # One result per person, module and version (passed or not): a version already taken gets no second one.
    passed = set(TrainingResult.objects.values_list("user_id", "module_id", "version"))
    failures, assignments = [], []
    for p, pod in enumerate(team.pods):
        rng = ctx.rng("failures", p)
        people = [*pod.ams, pod.designer]
        for k in range(rng.randint(2, 3)):
            person = pod.ams[0] if k == 0 else rng.choice(people)
            clients = list(
                Client.objects.filter(account_manager__in=pod.ams if person.role == Role.DESIGNER else [person])
                .active()
                .values_list("pk", flat=True)[:10]
            )
            if not clients:
                continue
            # The first failure of a pod goes with its most failed-on module, so the ranking means something.
            module = modules[p % 2] if k == 0 else rng.choice(modules[:4])
            occurred = ctx.today - dt.timedelta(days=rng.randint(3, 50))
            failure = ExecutionFailure(
                person=person,
                client_id=rng.choice(clients),
                module=module,
                what_went_wrong=rng.choice(FAILURES),
                occurred_on=occurred,
                recorded_by=pod.lead,
            )
            failures.append(failure)
            assignments.append((failure, occurred + dt.timedelta(days=rng.randint(0, 2)), rng.randint(7, 21)))
    bulk(ExecutionFailure, failures)
    bulk(
        TrainingAssignment,
        [
            TrainingAssignment(
                user=f.person,
                module=f.module,
                assigned_on=min(on, ctx.today),
                due_on=min(on, ctx.today) + dt.timedelta(days=days),
                failure=f,
                assigned_by=f.recorded_by,
            )
            for f, on, days in assignments
        ],
    )
    # One assignment of each pod is done: a passing result of the current version after it.
    results = []
    for failure, on, _days in assignments[::3]:
        key = (failure.person.pk, failure.module.pk, failure.module.version)
        if key not in passed and on < ctx.today:
            passed.add(key)
            results.append(
                TrainingResult(
                    user=failure.person,
                    module=failure.module,
                    version=failure.module.version,
                    completed_on=min(ctx.today, on + dt.timedelta(days=3)),
                    score=max(failure.module.passing_score, 88),
                    passed=True,
                )
            )
    bulk(TrainingResult, results)
    return len(failures)
