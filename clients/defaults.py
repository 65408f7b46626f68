"""Default reference data: tiers and early-warning rules (DESIGN "Metric definitions")."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_noop

# code, threshold, what the threshold means
WARNING_RULES: tuple[tuple[str, Decimal, str], ...] = (
    ("risk_score", Decimal("2"), "Fires at this risk score or worse (1 = highest risk)."),
    ("stale_contact", Decimal("0"), "Uses each tier's stale-contact days; the threshold is unused."),
    ("goal_hit_rate", Decimal("60"), "Percent; fires when two weeks running fall under it."),
    ("objective_behind", Decimal("25"), "Points by which progress may trail elapsed time."),
    ("overdue_tasks", Decimal("3"), "Open overdue tasks; also fires for one overdue more than 7 days."),
    ("risk_not_reassessed", Decimal("30"), "Days since the latest risk assessment."),
    ("health_mismatch", Decimal("2"), "Points between health signal and risk score."),
    ("nps_detractor", Decimal("90"), "Days to look back for a detractor (0–6)."),
    ("waiting_on_client", Decimal("0"), "Business days of grace beyond the expectation agreement's response time."),
    ("hours_over_budget", Decimal("1.5"), "Multiple of the monthly hours budget."),
    ("task_slips", Decimal("3"), "Tasks whose due date moved later (or was taken away) in four weeks."),
    (
        "no_objective_goal",
        Decimal("2"),
        "Weekday (1 = Monday) from which this week's goals are judged; the week before until then.",
    ),
    (
        "renewal_due",
        Decimal("30"),
        "Days beyond the contract's notice period: fires when the renewal is that close and the risk score is 1–2.",
    ),
    ("off_cadence", Decimal("0"), "Days of grace beyond the tier's contact cadence before the rule fires."),
)


def default_tiers() -> list[dict]:
    return [
        {
            "code": "premium",
            "name": gettext_noop("Premium"),
            "is_premium": True,
            "stale_contact_days": settings.STALE_CONTACT_DAYS_PREMIUM,
        },
        {
            "code": "standard",
            "name": gettext_noop("Standard"),
            "is_premium": False,
            "stale_contact_days": settings.STALE_CONTACT_DAYS_STANDARD,
        },
    ]
