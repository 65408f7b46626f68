"""The CSV import of training results: good rows saved, bad rows reported by line, reruns change nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from training.models import TrainingResult
from training.services import Action, decode_upload, training_results_import, training_results_preview
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "ana": UserFactory(username="ana", email="ana@agency.test"),
        "bo": UserFactory(username="bo", email="bo@agency.test"),
    }


@pytest.fixture
def modules(db):
    return {
        "goals": TrainingModuleFactory(title="Weekly goal setting", passing_score=80, version=2),
        "risk": TrainingModuleFactory(title="Risk assessment", passing_score=70),
    }


MIXED = """username,email,module,version,completed,score,passed
ana,,Weekly goal setting,2,2026-01-10,91,
,bo@agency.test,risk assessment,,2026-01-11,65,
nobody,,Weekly goal setting,2,2026-01-12,90,
ana,,No such module,1,2026-01-12,90,
bo,,Weekly goal setting,3,2026-01-12,90,
bo,,Weekly goal setting,1,12/01/2026,90,
bo,,Weekly goal setting,1,2026-01-12,101,
ana,,Weekly goal setting,2,2026-01-13,95,

bo,,Risk assessment,1,2026-01-14,50,yes
"""


def test_good_rows_are_saved_and_bad_rows_reported_with_their_line_numbers(people, modules):
    report = training_results_import(text=MIXED)

    errors = {row.line: row.errors for row in report.bad_rows}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 11]
    assert "No person “nobody”." in errors[4]
    assert "No module “No such module”." in errors[5]
    assert "is at version 2" in errors[6][0]
    assert "is not a date" in errors[7][0]
    assert "between 0 and 100" in errors[8][0]
    assert errors[9] == ["Same person, module and version as line 2."]
    assert errors[11] == ["Same person, module and version as line 3."]
    saved = {(r.user.username, r.module.title, r.version): (r.score, r.passed) for r in TrainingResult.objects.all()}
    assert saved == {
        ("ana", "Weekly goal setting", 2): (Decimal("91.00"), True),  # 91 ≥ 80
        ("bo", "Risk assessment", 1): (Decimal("65.00"), False),  # 65 < 70, derived
    }


def test_rerunning_the_same_file_changes_nothing(people, modules):
    training_results_import(text=MIXED)
    before = list(TrainingResult.objects.order_by("pk").values())

    again = training_results_import(text=MIXED)

    assert again.counts[Action.UNCHANGED] == 2 and again.changes == 0
    assert list(TrainingResult.objects.order_by("pk").values()) == before


def test_a_preview_writes_nothing_and_says_what_would_happen(people, modules):
    TrainingResultFactory(
        user=people["ana"], module=modules["risk"], version=1, completed_on=dt.date(2026, 1, 1), score=50, passed=False
    )
    text = (
        "email,module,completed,score\n"
        "ana@agency.test,Risk assessment,2026-02-01,88\n"
        "bo@agency.test,Risk assessment,2026-02-01,70\n"
    )

    report = training_results_preview(text=text)

    assert [row.action for row in report.rows] == [Action.UPDATE, Action.CREATE]
    assert report.rows[1].passed is True  # exactly the passing score passes
    assert TrainingResult.objects.count() == 1


def test_a_newer_score_for_the_same_version_updates_the_stored_result(people, modules):
    old = TrainingResultFactory(user=people["ana"], module=modules["risk"], version=1, score=50, passed=False)
    training_results_import(text="username,module,completed,score\nana,Risk assessment,2026-02-01,88\n")
    old.refresh_from_db()
    assert (old.score, old.passed, old.completed_on) == (Decimal("88.00"), True, dt.date(2026, 2, 1))


def test_an_explicit_passed_column_wins_over_the_passing_score(people, modules):
    training_results_import(text="username,module,completed,score,passed\nana,Risk assessment,2026-02-01,60,yes\n")
    assert TrainingResult.objects.get().passed is True


def test_a_file_without_the_needed_columns_is_refused_whole(people, modules):
    report = training_results_import(text="name,course\nana,Risk assessment\n")
    assert report.file_errors == [
        "Line 1: a “username” or “email” column is required.",
        "Line 1: the “completed” column is missing.",
        "Line 1: the “score” column is missing.",
    ]
    assert not report.applied and TrainingResult.objects.count() == 0


def test_nothing_is_half_written_when_the_database_refuses_a_row(people, modules, monkeypatch):
    from training import services

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.TrainingResult.objects, "bulk_update", explode)
    TrainingResultFactory(user=people["bo"], module=modules["risk"], version=1, score=10, passed=False)
    text = "username,module,completed,score\nana,Risk assessment,2026-02-01,88\nbo,Risk assessment,2026-02-01,90\n"
    with pytest.raises(RuntimeError):
        training_results_import(text=text)
    assert TrainingResult.objects.count() == 1  # ana's new row was rolled back with the failed update


def test_logins_match_case_insensitively_and_ambiguous_emails_are_refused(people, modules):
    UserFactory(username="bo2", email="BO@agency.test")
    report = training_results_preview(
        text="username,email,module,completed,score\n"
        "ANA,,Risk assessment,2026-02-01,88\n"
        ",bo@agency.test,Risk assessment,2026-02-01,88\n"
    )
    assert report.rows[0].user == people["ana"]
    assert report.rows[1].errors == ["“bo@agency.test” matches several people; use the username."]


def test_an_upload_that_is_not_utf8_text_gets_a_clear_error():
    with pytest.raises(ValueError, match="not UTF-8"):
        decode_upload("username\nJos\xe9".encode("latin-1"))
    assert decode_upload("\ufeffusername\n".encode()) == "username\n"
