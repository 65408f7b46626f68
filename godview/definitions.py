"""How each KPI is computed, in the product's words (DESIGN "Metric definitions"), translatable.

The God-view's tiles carry them as their `title`; `/glossary/` lists them, one anchor per tile key.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Definition(NamedTuple):
    key: str
    term: str
    text: str


DEFINITIONS = [
    Definition("active", _("Active clients"), _("Clients not churned today, in the filters.")),
    Definition("mrr", _("MRR"), _("Monthly recurring revenue of the active clients, today.")),
    Definition("at_risk_mrr", _("At-risk MRR"), _("MRR of active clients whose current risk score is 1 or 2.")),
    Definition("churn", _("Logo churn"), _("Clients churned in the period ÷ clients active at its start.")),
    Definition(
        "nrr",
        _("NRR (12 months)"),
        _("Today's MRR of the clients active 12 months ago ÷ their MRR then. GRR: the same with expansion left out."),
    ),
    Definition(
        "goal_hit_rate",
        _("Goal hit rate"),
        _(
            "Weekly goals done by their deadline ÷ goals whose deadline falls in the period, cancelled ones "
            "excluded. A postponed goal is a miss in its original week."
        ),
    ),
    Definition(
        "goals_tied",
        _("Goals tied to objectives"),
        _("Weekly goals tied to an objective ÷ goals whose deadline falls in the period (cancelled excluded)."),
    ),
    Definition(
        "objectives",
        _("Objectives on pace"),
        _(
            "Objectives of the clients in scope that have started and are due on or after the period's first "
            "day. On pace: open (target not reached, due date not passed) and its progress, (current − "
            "baseline) ÷ (target − baseline), trails the share of its time elapsed by no more than the "
            "objective-behind rule's threshold (25 points unless admin changed it). Behind: trails by more. "
            "Achieved: target reached. Missed: due date passed without it. The rate is on pace ÷ (on pace + behind)."
        ),
    ),
    Definition(
        "on_time",
        _("On-time tasks"),
        _(
            "Tasks completed on or before their original due date ÷ tasks whose original due date falls in "
            "the period (the first due date God-view saw; later moves do not change it)."
        ),
    ),
    Definition("overdue", _("Overdue tasks"), _("Open tasks whose due date is before today, at the last rollup.")),
    Definition(
        "stale",
        _("Stale contacts"),
        _("Active clients whose last contact is older than their tier's threshold (premium 7, standard 14 days)."),
    ),
    Definition(
        "training",
        _("Training compliance"),
        _(
            "Required modules passed ÷ required modules, counting each person's result on the module's "
            "current version; beside it, the average test score."
        ),
    ),
    Definition(
        "reviews_missing", _("Reviews missing"), _("Active clients with no quarterly review started for the quarter.")
    ),
    Definition(
        "freshness", _("Data freshness"), _("Time since each source's last successful sync (stale after 36 hours).")
    ),
]
BY_KEY = {d.key: d for d in DEFINITIONS}
