"""The God-view's training panel counts in the database what the matrix counts cell by cell:
compliance, average score, overdue, top gaps and the people most behind, for every scope, and
by hand for one person of each kind."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.tests.factories import PodFactory, UserFactory
from core.weeks import today
from training.models import TrainingModule
from training.selectors import TrainingFilters, compliance_matrix, panel_figures
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2020, 1, 1)  # hired long before: failed and missing modules are overdue
NEW = today() - dt.timedelta(days=7)  # hired last week: nothing overdue yet


@pytest.fixture
def agency(leader):
    """Two pods; modules at versions 1 and 2, required for different roles; a retired module; and
    people with every kind of cell: passed, failed, outdated, retaken, missing, not required."""
    pods = [PodFactory(name="North"), PodFactory(name="South")]
    basics = TrainingModuleFactory(title="Basics", required_roles=[Role.ACCOUNT_MANAGER, Role.DESIGNER])
    renewals = TrainingModuleFactory(title="Renewals", version=2, required_roles=[Role.ACCOUNT_MANAGER])
    design = TrainingModuleFactory(title="Design review", required_roles=[Role.DESIGNER, Role.POD_LEAD])
    retired = TrainingModuleFactory(title="Retired", active=False, required_roles=[Role.ACCOUNT_MANAGER])
    people = {
        # passed Basics, only an old version of Renewals: one gap (outdated, never overdue)
        "ana": UserFactory(first_name="Ana", last_name="A", role=Role.ACCOUNT_MANAGER, pod=pods[0], hired_on=LONG_AGO),
        # failed Basics, retook Renewals (v1 passed, v2 failed): two gaps, both overdue
        "ben": UserFactory(first_name="Ben", last_name="B", role=Role.ACCOUNT_MANAGER, pod=pods[0], hired_on=LONG_AGO),
        # nothing taken, hired last week: two gaps, none overdue yet
        "cat": UserFactory(first_name="Cat", last_name="C", role=Role.ACCOUNT_MANAGER, pod=pods[1], hired_on=NEW),
        # passed both of a designer's modules, and Renewals, which designers need not take
        "dan": UserFactory(first_name="Dan", last_name="D", role=Role.DESIGNER, pod=pods[1], hired_on=LONG_AGO),
        # nothing taken, no hire date: one gap, not overdue
        "eve": UserFactory(first_name="Eve", last_name="E", role=Role.POD_LEAD, pod=pods[1]),
    }
    result = TrainingResultFactory
    result(user=people["ana"], module=basics, score=Decimal("90"))
    result(user=people["ana"], module=renewals, version=1, score=Decimal("85"))
    result(user=people["ana"], module=retired, score=Decimal("10"), passed=False)
    result(user=people["ben"], module=basics, score=Decimal("40"), passed=False)
    result(user=people["ben"], module=renewals, version=1, score=Decimal("95"))
    result(user=people["ben"], module=renewals, version=2, score=Decimal("55"), passed=False)
    result(user=people["dan"], module=basics, score=Decimal("88"))
    result(user=people["dan"], module=design, score=Decimal("81"))
    result(user=people["dan"], module=renewals, score=Decimal("99"))
    return {"pods": pods, "people": people, "leader": leader, "modules": [basics, renewals, design]}


def from_matrix(user, filters):
    """The panel's figures as the matrix (cell by cell) gives them."""
    matrix = compliance_matrix(user, filters)
    return {
        "people": len(matrix.rows),
        "passed": matrix.passed,
        "required": matrix.required,
        "average": matrix.average_score,
        "overdue": matrix.overdue,
        "top_gaps": [(s.module.id, s.gaps, s.required) for s in matrix.top_gaps()],
        "most_behind": [(r.person.id, len(r.gaps), r.overdue) for r in matrix.most_behind()],
    }


def from_panel(user, filters):
    figures = panel_figures(user, filters)
    return {
        "people": figures.people,
        "passed": figures.totals.passed,
        "required": figures.totals.required,
        "average": figures.totals.average_score,
        "overdue": figures.overdue,
        "top_gaps": [(g.module.id, g.gaps, g.required) for g in figures.top_gaps],
        "most_behind": [(p.person.id, p.gaps, p.overdue) for p in figures.most_behind],
    }


def test_the_panel_counts_by_hand(agency):
    people, (basics, renewals, design) = agency["people"], agency["modules"]
    figures = from_panel(agency["leader"], TrainingFilters())
    # Required: three AMs × 2 (Basics, Renewals), Dan × 2 (Basics, Design review), Eve × 1 = 9.
    # Passed: Ana Basics, Dan Basics and Design review = 3 (Ana's Renewals is an old version,
    # Ben's current Renewals failed, the retired module and Dan's Renewals are not required).
    assert (figures["people"], figures["passed"], figures["required"]) == (5, 3, 9)
    # Scored: the current version's required results: 90, 40, 55, 88, 81 → 70.8.
    assert figures["average"] == Decimal("70.8")
    # Overdue: Ben's failed Basics and Renewals; Cat is new, Eve has no hire date, Ana's is outdated.
    assert figures["overdue"] == 2
    # Gaps: Renewals 3 of 3 AMs, Basics Ben and Cat of 4, Design review Eve of 2.
    assert figures["top_gaps"] == [(renewals.id, 3, 3), (basics.id, 2, 4), (design.id, 1, 2)]
    # Ben: two gaps, both overdue; then Cat (two gaps), then one gap each, the lowest compliance
    # first: Eve (0 of 1), Ana (1 of 2).
    ids = [people[name].id for name in ("ben", "cat", "eve", "ana")]
    assert figures["most_behind"] == [(ids[0], 2, 2), (ids[1], 2, 0), (ids[2], 1, 0), (ids[3], 1, 0)]


@pytest.mark.parametrize("scope", ["all", "north", "south", "ben", "role", "pod_lead_of_south"])
def test_the_panel_reads_what_the_matrix_reads_in_every_scope(agency, scope):
    north, south = agency["pods"]
    viewer, filters = agency["leader"], TrainingFilters()
    if scope == "north":
        filters = TrainingFilters(pod=north)
    elif scope == "south":
        filters = TrainingFilters(pod=south)
    elif scope == "ben":
        filters = TrainingFilters(person=agency["people"]["ben"])
    elif scope == "role":
        filters = TrainingFilters(role=Role.DESIGNER)
    elif scope == "pod_lead_of_south":
        viewer = agency["people"]["eve"]
        south.lead = viewer
        south.save(update_fields=["lead"])
    assert from_panel(viewer, filters) == from_matrix(viewer, filters)


def test_a_new_version_makes_every_pass_a_retake(agency):
    """Renewals and Basics move on a version: the passes become outdated, overdue only for those
    who failed or never took them."""
    TrainingModule.objects.filter(title__in=["Basics", "Renewals"]).update(version=3)
    leader = agency["leader"]
    assert from_panel(leader, TrainingFilters()) == from_matrix(leader, TrainingFilters())
    assert from_panel(leader, TrainingFilters())["passed"] == 1  # Dan's Design review


def test_nobody_to_train_is_an_empty_panel(leader):
    TrainingModuleFactory(required_roles=[])
    figures = panel_figures(leader, TrainingFilters())
    assert (figures.people, figures.totals.required, figures.top_gaps, figures.most_behind) == (0, 0, [], [])
