"""An API that answers something other than its JSON (an HTML page, an empty or cut-off body, the
wrong content type) fails the run with a classified error that says what came, never a traceback.
Both tools, through the fake servers' answer modes."""

import pytest

from tasks.models import SyncRun, Task
from tasks.tests.conftest import TOKEN
from tasks.tests.test_sync_asana import world as asana_world  # noqa: F401 (fixture)
from tasks.tests.test_sync_clickup import world as clickup_world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PERMANENT, RETRYABLE = "permanent", "retryable"
MODES = {
    "html": (PERMANENT, ["answered 200 with text/html instead of JSON", "Sign in · Corporate proxy", "base URL"]),
    "wrong_content_type": (PERMANENT, ["answered 200 with text/plain instead of JSON"]),
    "not_an_object": (PERMANENT, ["JSON that is not an object"]),
    "empty": (RETRYABLE, ["answered 200 with an empty body instead of JSON", "gave up after 3 attempts"]),
    "truncated": (RETRYABLE, ["answered 200 with JSON cut off after", "gave up after 3 attempts"]),
    "cut": (RETRYABLE, ["dropped the connection", "gave up after 3 attempts"]),
}
LISTING = {"asana": "/tasks?", "clickup": "/task?"}


@pytest.fixture(params=["asana", "clickup"])
def tool(request):
    """(fake server, source, label) of one tool, its world in place."""
    kind = request.param
    request.getfixturevalue(f"{kind}_world")
    return request.getfixturevalue(f"fake_{kind}"), request.getfixturevalue(f"{kind}_source"), kind


@pytest.mark.parametrize("mode", list(MODES))
def test_an_answer_that_is_not_the_apis_json_fails_the_run_with_a_classified_message(tool, mode, sync, sleeps):
    fake, source, kind = tool
    fake.fail_next(status=200, mode=mode, path_contains=LISTING[kind], times=1_000)

    run = sync(source, attempts=3)

    kind_of_error, words = MODES[mode]
    assert run.status == SyncRun.Status.FAILED
    assert run.error_message.startswith({"asana": "Asana", "clickup": "ClickUp"}[kind]), run.error_message
    for word in words:
        assert word in run.error_message, run.error_message
    assert "Unexpected error" not in run.error_message
    assert TOKEN not in run.error_message
    assert len(sleeps) == (2 if kind_of_error == RETRYABLE else 0)  # retried, or not, as it deserves
    source.refresh_from_db()
    assert source.cursor is None


@pytest.mark.parametrize("mode", ["empty", "truncated", "cut"])
def test_one_cut_off_answer_is_retried_and_the_run_carries_on(tool, mode, sync, sleeps):
    fake, source, kind = tool
    fake.fail_next(status=200, mode=mode, path_contains=LISTING[kind])

    run = sync(source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert len(sleeps) == 1
    assert Task.objects.filter(source=source).count() == {"asana": 7, "clickup": 4}[kind]
