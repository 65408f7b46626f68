"""The demo's training: the handbook modules and each person's results, some failed or on an old version."""

import datetime as dt
import random
from decimal import Decimal

from accounts.models import Role, User
from godview.demo.base import EMAIL_DOMAIN, Context, Team, bulk
from training.models import TrainingModule, TrainingResult

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
