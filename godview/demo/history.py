"""How each demo client relationship goes: contacts, risk assessments, NPS responses and quarterly
reviews."""

import datetime as dt
import random

from clients.models import ChurnReason, Contact, NPSResponse, QuarterlyReview, RiskAssessment, RiskReason
from core.weeks import quarter_of, quarter_start
from godview.demo.base import SERVICE_LABELS, SERVICES, TOPICS, ClientPlan, Context, at

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


# --- quarterly reviews ---------------------------------------------------------------------


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
