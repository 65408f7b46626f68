"""Training compliance now and at the period's start in one pass (the God-view strip's tile and
its change): the people's roles once and their results once, instead of twice each."""

import datetime as dt

from django.db.models import Count, F, QuerySet

from accounts.models import User
from godview import metrics
from training.models import TrainingModule, TrainingResult


def compliance_now_and_before(
    people: QuerySet[User], before: dt.date, modules: list[TrainingModule]
) -> tuple[metrics.Compliance, metrics.Compliance]:
    """Required modules (per role, current version) passed ÷ required, and the average score:
    with every result, and with the results completed before `before` (two queries)."""
    roles = dict(people.values("role").annotate(n=Count("pk")).values_list("role", "n"))
    required = sum(n for m in modules for role, n in roles.items() if role in m.required_roles)
    results = TrainingResult.objects.filter(user__in=people, module__active=True, version=F("module__version"))
    by_module = {m.pk: m for m in modules}
    passed = passed_before = 0
    scores, scores_before = [], []
    for module_id, role, ok, score, completed_on in results.values_list(
        "module_id", "user__role", "passed", "score", "completed_on"
    ):
        module = by_module.get(module_id)
        if module and role in module.required_roles:
            passed += ok
            scores.append(score)
            if completed_on is not None and completed_on < before:
                passed_before += ok
                scores_before.append(score)
    return (
        metrics.training_compliance(required, passed, scores),
        metrics.training_compliance(required, passed_before, scores_before),
    )
