"""Compliance math against hand-computed fixtures (pure: no database)."""

import datetime as dt
from decimal import Decimal

from core.csv_export import safe
from core.numbers import percent
from training.coaching import ClientOutcomes, coaching_insights
from training.compliance import (
    ModuleFacts,
    PersonFacts,
    ResultFacts,
    Status,
    build_matrix,
    group_by_pod,
)
from training.exports import matrix_rows

TODAY = dt.date(2026, 6, 30)
AM, DESIGNER = "account_manager", "designer"

GOALS = ModuleFacts(1, "Weekly goals", "AM", version=1, passing_score=80, required_roles=frozenset({AM}))
RISK = ModuleFacts(2, "Risk", "AM", version=2, passing_score=70, required_roles=frozenset({AM, DESIGNER}))
AB = ModuleFacts(3, "A/B tests", "Design", version=1, passing_score=75, required_roles=frozenset({DESIGNER}))
MODULES = (GOALS, RISK, AB)

ANNA = PersonFacts(10, "Anna", AM, 1, "Pod A", hired_on=TODAY - dt.timedelta(days=400))
BORIS = PersonFacts(11, "Boris", AM, 1, "Pod A", hired_on=TODAY - dt.timedelta(days=10))
CLEO = PersonFacts(12, "Cleo", DESIGNER, 2, "Pod B", hired_on=TODAY - dt.timedelta(days=31))


def result(person, module, version, score, passed):
    return ResultFacts(person.id, module.id, version, Decimal(score), passed, TODAY - dt.timedelta(days=5))


RESULTS = [
    result(ANNA, GOALS, 1, 92, True),  # passed
    result(ANNA, RISK, 1, 88, True),  # passed an old version: outdated
    result(BORIS, GOALS, 1, 60, False),  # failed, but hired 10 days ago: not overdue
    result(CLEO, RISK, 2, 71, True),  # passed at exactly above the bar
    result(CLEO, GOALS, 1, 99, True),  # not required for designers: shown, not counted
]


def matrix():
    return build_matrix([ANNA, BORIS, CLEO], MODULES, RESULTS, TODAY)


def statuses(row):
    return [cell.status for cell in row.cells]


def test_a_result_counts_only_for_the_modules_current_version():
    anna = matrix().rows[0]
    assert statuses(anna) == [Status.PASSED, Status.OUTDATED, Status.NOT_REQUIRED]


def test_modules_are_required_per_role():
    boris, cleo = matrix().rows[1:]
    assert statuses(boris) == [Status.FAILED, Status.MISSING, Status.NOT_REQUIRED]
    assert statuses(cleo) == [Status.NOT_REQUIRED, Status.PASSED, Status.MISSING]


def test_a_result_for_a_module_not_required_is_shown_but_not_counted():
    cleo = matrix().rows[2]
    assert cleo.cells[0].score == Decimal(99)
    assert (cleo.passed, cleo.required) == (1, 2)


def test_person_compliance_is_required_modules_passed_over_required_modules():
    anna, boris, cleo = matrix().rows
    assert (anna.passed, anna.required, anna.compliance) == (1, 2, Decimal("0.5"))
    assert (boris.passed, boris.required, boris.compliance) == (0, 2, Decimal(0))
    assert (cleo.passed, cleo.required, cleo.compliance) == (1, 2, Decimal("0.5"))


def test_overall_compliance_and_average_score_match_the_hand_computation():
    m = matrix()
    # required cells: Anna 2, Boris 2, Cleo 2 = 6; passed: Anna goals, Cleo risk = 2.
    assert (m.passed, m.required) == (2, 6)
    assert percent(m.compliance) == 33
    # current-version scores of required modules: 92, 60, 71 → 74.33 → 74.3
    assert m.average_score == Decimal("74.3")


def test_missing_or_failed_more_than_30_days_after_hire_is_overdue():
    anna, boris, cleo = matrix().rows
    assert [c.overdue for c in anna.cells] == [False, False, False]  # outdated is a retake, not overdue
    assert [c.overdue for c in boris.cells] == [False, False, False]  # hired 10 days ago
    assert [c.overdue for c in cleo.cells] == [False, False, True]  # hired 31 days ago, A/B missing
    assert matrix().overdue == 1


def test_a_persons_gaps_list_overdue_modules_first():
    late = PersonFacts(14, "Eli", AM, hired_on=TODAY - dt.timedelta(days=90))
    results = [result(late, GOALS, 1, 95, True), result(late, RISK, 1, 90, True)]
    extra = ModuleFacts(4, "Extra", "AM", version=1, passing_score=50, required_roles=frozenset({AM}))
    row = build_matrix([late], (RISK, GOALS, extra), results, TODAY).rows[0]
    assert [(c.module.title, c.status, c.overdue) for c in row.gaps] == [
        ("Extra", Status.MISSING, True),
        ("Risk", Status.OUTDATED, False),
    ]


def test_someone_without_a_hire_date_is_never_overdue():
    dana = PersonFacts(13, "Dana", AM)
    row = build_matrix([dana], MODULES, [], TODAY).rows[0]
    assert statuses(row)[:2] == [Status.MISSING, Status.MISSING]
    assert row.overdue == 0


def test_module_statistics_count_each_status_among_those_who_must_take_it():
    goals, risk, ab = matrix().module_stats
    assert (goals.required, goals.passed, goals.failed, goals.missing) == (2, 1, 1, 0)
    assert goals.pass_rate == Decimal("0.5") and goals.completion == Decimal("0.5")
    assert (risk.required, risk.passed, risk.outdated, risk.missing) == (3, 1, 1, 1)
    assert percent(risk.completion) == 33 and risk.pass_rate == Decimal(1)
    assert (ab.required, ab.missing, ab.overdue, ab.pass_rate) == (1, 1, 1, None)


def test_top_gaps_and_most_behind_are_ordered_by_size():
    m = matrix()
    assert [s.module.title for s in m.top_gaps()] == ["Risk", "A/B tests", "Weekly goals"]
    # Cleo has an overdue gap, so she comes first; then Boris (2 gaps), then Anna (1).
    assert [r.person.name for r in m.most_behind()] == ["Cleo", "Boris", "Anna"]


def test_nothing_required_means_no_compliance_figure_rather_than_zero():
    m = build_matrix([], MODULES, [], TODAY)
    assert m.compliance is None and m.average_score is None


def test_pod_groups_carry_the_whole_pods_figures_even_when_the_page_holds_part_of_it():
    m = matrix()
    groups = group_by_pod(m.rows[:1], m.rows)
    assert [(g.name, len(g.rows), g.people) for g in groups] == [("Pod A", 1, 2)]
    assert groups[0].compliance == Decimal("0.25")  # Anna 1/2 + Boris 0/2


def test_coaching_compares_the_clients_of_people_who_passed_with_those_who_did_not():
    outcomes = {
        ANNA.id: ClientOutcomes(clients=4, churned=0, goals_due=10, goals_hit=9, tasks_due=20, tasks_on_time=18),
        BORIS.id: ClientOutcomes(clients=2, churned=1, goals_due=10, goals_hit=5, tasks_due=10, tasks_on_time=5),
        CLEO.id: ClientOutcomes(),
    }
    outcomes[ANNA.id].risk_start_sum, outcomes[ANNA.id].risk_start_days = 6, 3  # 2.00
    outcomes[ANNA.id].risk_end_sum, outcomes[ANNA.id].risk_end_days = 9, 3  # 3.00
    insights = {i.module.title: i for i in coaching_insights(matrix(), outcomes)}
    goals = insights["Weekly goals"]
    assert (goals.passed.people, goals.not_passed.people) == (1, 1)
    assert goals.passed.goal_hit_rate == Decimal("0.9") and goals.not_passed.goal_hit_rate == Decimal("0.5")
    assert goals.goal_hit_gap == Decimal("0.4")
    assert goals.passed.on_time_rate == Decimal("0.9") and goals.not_passed.churn_rate == Decimal("0.5")
    assert goals.passed.risk_change == Decimal("1.00")
    # Risk: Cleo passed (no clients), Anna (outdated) and Boris did not: their sums add up.
    risk = insights["Risk"]
    assert risk.not_passed.people == 2 and risk.not_passed.totals.goals_due == 20
    assert risk.not_passed.goal_hit_rate == Decimal("0.7") and risk.passed.goal_hit_rate is None
    assert next(iter(insights)) == "Weekly goals"  # the biggest gap comes first
    assert "A/B tests" not in insights  # only Cleo must take it and she has no clients: nothing to compare


def test_the_csv_export_has_a_word_per_cell_and_defuses_formulas():
    rows = list(matrix_rows(matrix()))
    assert rows[0][:3] == ["Person", "Pod", "Role"] and rows[0][3] == "Weekly goals (v1)"
    assert rows[1][3:6] == ["passed 92", "outdated version", "not required"]
    assert rows[3][5] == "missing (overdue)"
    assert rows[1][-4:] == ["2", "1", "50", "0"]
    assert safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
