"""Clients and everything an agency records about them, in DESIGN's common language.

One module a part of the record; import the models from here (`from clients.models import Client`).
"""

from clients.models.actions import SNOOZE_MAX_DAYS, Action, ActionQuerySet, Play, PlayStep, add_business_days
from clients.models.base import (
    ZERO,
    ChurnReason,
    LifecycleStage,
    ScopedQuerySet,
    Tier,
    WarningRule,
    between,
    is_monday,
    money_field,
    not_negative,
    score_field,
)
from clients.models.client import Client, ClientQuerySet, KickoffItem
from clients.models.contracts import DUE_WINDOW_DAYS, Contract, Opportunity, RenewalLikelihood
from clients.models.goal_weeks import GOAL_HIT, GoalWeek, rebuild_goal_weeks
from clients.models.goals import DeadlineLocked, Objective, Postponement, WeeklyGoal, WeeklyGoalQuerySet
from clients.models.meetings import MeetingDecision, MeetingNote, MeetingRecord
from clients.models.onboarding import Handoff, HandoffItem, OnboardingTemplate, OnboardingTemplateItem
from clients.models.outcomes import (
    DailySnapshot,
    Experiment,
    NPSResponse,
    Outcome,
    RevenueEvent,
    Tactic,
    WeeklySnapshot,
)
from clients.models.review import QuarterlyReview
from clients.models.risk import (
    RISK_SCORE_LABELS,
    AppendOnly,
    Contact,
    EarlyWarning,
    ReviewDecision,
    RiskAssessment,
    RiskReason,
    refresh_current_state,
)
from clients.models.service import DeliverableCheck, TierDeliverable
from clients.models.snapshot_weeks import SnapshotWeek, rebuild_snapshot_weeks
from clients.models.waiting import WaitingPeriod, business_days_between

__all__ = [
    "DUE_WINDOW_DAYS",
    "GOAL_HIT",
    "RISK_SCORE_LABELS",
    "SNOOZE_MAX_DAYS",
    "ZERO",
    "Action",
    "ActionQuerySet",
    "AppendOnly",
    "ChurnReason",
    "Client",
    "ClientQuerySet",
    "Contact",
    "Contract",
    "DailySnapshot",
    "DeadlineLocked",
    "DeliverableCheck",
    "EarlyWarning",
    "Experiment",
    "GoalWeek",
    "Handoff",
    "HandoffItem",
    "KickoffItem",
    "LifecycleStage",
    "MeetingDecision",
    "MeetingNote",
    "MeetingRecord",
    "NPSResponse",
    "Objective",
    "OnboardingTemplate",
    "OnboardingTemplateItem",
    "Opportunity",
    "Outcome",
    "Play",
    "PlayStep",
    "Postponement",
    "QuarterlyReview",
    "RenewalLikelihood",
    "RevenueEvent",
    "ReviewDecision",
    "RiskAssessment",
    "RiskReason",
    "ScopedQuerySet",
    "SnapshotWeek",
    "Tactic",
    "Tier",
    "TierDeliverable",
    "WaitingPeriod",
    "WarningRule",
    "WeeklyGoal",
    "WeeklyGoalQuerySet",
    "WeeklySnapshot",
    "add_business_days",
    "between",
    "business_days_between",
    "is_monday",
    "money_field",
    "not_negative",
    "rebuild_goal_weeks",
    "rebuild_snapshot_weeks",
    "refresh_current_state",
    "score_field",
]
