"""Execution failures feed training (issue 20, item 5): recording one assigns its module; the
assignment is done by a passing result after it; the modules most often linked to failures; who
may record and see them (404 outside), bad input, the CSV and pinned query counts."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from core.weeks import today
from training import failures
from training.models import ExecutionFailure, TrainingAssignment
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def record(person, client, module, by, occurred_days_ago: int = 2, due_in: int = 14):
    return failures.execution_failure_record(
        person=person,
        client=client,
        module=module,
        what_went_wrong="Sent the report late without telling the client.",
        occurred_on=today() - dt.timedelta(days=occurred_days_ago),
        due_on=today() + dt.timedelta(days=due_in),
        by=by,
    )


def form_data(person, client, module, **extra) -> dict:
    return {
        "person": person.pk,
        "client": client.pk,
        "module": module.pk,
        "what_went_wrong": "Missed the weekly goal review.",
        "occurred_on": today().isoformat(),
        "due_on": (today() + dt.timedelta(days=10)).isoformat(),
        "form_token": str(uuid.uuid4()),
        **extra,
    }


def test_a_pod_lead_records_a_failure_and_the_module_is_assigned_to_the_person(client, pod_lead, am):
    acme = ClientFactory(account_manager=am)
    module = TrainingModuleFactory(title="Weekly goal discipline")
    client.force_login(pod_lead)
    response = client.post(reverse("failure_list"), form_data(am, acme, module), **HTMX)
    assert response.status_code == 200 and "the module is assigned" in response.content.decode()
    failure = ExecutionFailure.objects.get()
    assert (failure.person, failure.client, failure.module, failure.recorded_by) == (am, acme, module, pod_lead)
    assignment = TrainingAssignment.objects.get()
    assert (assignment.user, assignment.module, assignment.failure) == (am, module, failure)
    assert (assignment.assigned_on, assignment.due_on) == (today(), today() + dt.timedelta(days=10))
    client.force_login(am)  # the person sees it in their training
    region = client.get(reverse("person_assignments", args=[am.pk]), **HTMX).content.decode()
    assert "Weekly goal discipline" in region and "to do" in region


def test_only_leadership_and_pod_leads_record_and_only_for_their_people_and_clients(
    client, pod_lead, am, other_am, designer
):
    mine, theirs = ClientFactory(account_manager=am), ClientFactory(account_manager=other_am)
    module = TrainingModuleFactory()
    for person in (am, designer):
        client.force_login(person)
        assert client.post(reverse("failure_list"), form_data(am, mine, module)).status_code == 404
    client.force_login(pod_lead)
    outside = client.post(reverse("failure_list"), form_data(other_am, mine, module))
    assert outside.status_code == 422 and "Pick one of the people" in outside.content.decode()
    elsewhere = client.post(reverse("failure_list"), form_data(am, theirs, module))
    assert elsewhere.status_code == 422 and "Pick one of your clients" in elsewhere.content.decode()
    late = client.post(reverse("failure_list"), form_data(am, mine, module, due_on=today().replace(year=2000)))
    assert late.status_code == 422 and "between today and 90 days" in late.content.decode()
    blank = client.post(reverse("failure_list"), form_data(am, mine, module, what_went_wrong="…"))
    assert blank.status_code == 422 and "Say what went wrong" in blank.content.decode()
    assert not ExecutionFailure.objects.exists()


def test_an_assignment_is_done_by_a_passing_result_of_the_current_version_after_it(pod_lead, am):
    module = TrainingModuleFactory(version=2)
    acme = ClientFactory(account_manager=am)
    record(am, acme, module, pod_lead)
    (row,) = failures.person_assignments(am)
    assert row.done_on is None and not row.overdue
    TrainingResultFactory(user=am, module=module, version=1, completed_on=today())  # an old version
    TrainingResultFactory(user=am, module=module, version=2, completed_on=today() - dt.timedelta(days=1))  # before
    assert failures.person_assignments(am)[0].done_on is None
    other = TrainingModuleFactory()
    record(am, acme, other, pod_lead)
    TrainingResultFactory(user=am, module=other, completed_on=today())
    done = next(r for r in failures.person_assignments(am) if r.assignment.module == other)
    assert done.done_on == today()
    third = TrainingModuleFactory()
    record(am, acme, third, pod_lead)
    TrainingAssignment.objects.filter(module=third).update(
        assigned_on=today() - dt.timedelta(days=9), due_on=today() - dt.timedelta(days=1)
    )
    row = next(r for r in failures.person_assignments(am) if r.assignment.module == third)
    assert row.overdue and row.done_on is None


def test_the_training_page_ranks_the_modules_most_often_linked_to_failures(client, leader, pod_lead, am, designer):
    acme, beta = ClientFactory(account_manager=am), ClientFactory(account_manager=am)
    goals, review, risk = (TrainingModuleFactory(title=t) for t in ("Goals", "Review", "Risk"))
    record(am, acme, goals, pod_lead)
    record(am, beta, goals, pod_lead)
    record(designer, acme, goals, pod_lead)  # goals: 3 failures, 2 people, 2 clients
    record(designer, acme, risk, pod_lead)  # risk: 1 failure
    record(am, acme, review, pod_lead)
    record(designer, beta, review, pod_lead)  # review: 2 failures, 2 people, 2 clients
    top = failures.modules_most_failed(failures.visible_failures(leader))
    assert [(m.module.title, m.failures, m.people, m.clients) for m in top] == [
        ("Goals", 3, 2, 2),
        ("Review", 2, 2, 2),
        ("Risk", 1, 1, 1),
    ]
    client.force_login(leader)
    region = client.get(reverse("failure_modules"), **HTMX).content.decode()
    assert region.index("Goals") < region.index("Review") < region.index("Risk")
    assert f'?module={goals.pk}">3</a>' in region  # the count links to its failures
    listed = client.get(reverse("failure_list") + f"?module={goals.pk}").content.decode()
    assert listed.count("Sent the report late") == 3
    training = client.get(reverse("training")).content.decode()
    assert reverse("failure_modules") in training  # the training page loads the region


def test_failures_are_seen_in_scope_and_the_csv_matches(client, leader, pod_lead, am, other_am):
    module = TrainingModuleFactory(title="Goals")
    mine = record(am, ClientFactory(account_manager=am, name="Mine"), module, pod_lead)
    record(other_am, ClientFactory(account_manager=other_am, name="Theirs"), module, leader)
    client.force_login(am)
    page = client.get(reverse("failure_list")).content.decode()
    assert "Mine" in page and "Theirs" not in page
    lines = b"".join(client.get(reverse("failure_export")).streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{mine.occurred_on.isoformat()},{am},Mine,") and ",no," in lines[1]
    assert client.get(reverse("person_assignments", args=[other_am.pk]), **HTMX).status_code == 404
    assert client.get(reverse("failure_list") + "?module=x").status_code == 400
    assert client.get(reverse("failure_list") + "?module=999999").status_code == 404
    client.force_login(leader)
    assert "Theirs" in client.get(reverse("failure_list")).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_failure_list_costs_the_same_queries_at_any_size(client, pod_lead, am, size, django_assert_num_queries):
    acme = ClientFactory(account_manager=am)
    for _ in range(size):
        record(am, acme, TrainingModuleFactory(), pod_lead)
    client.force_login(pod_lead)
    # session, user, the paginator's count, the page (person, client, module, recorder and
    # assignment joined), the assignments' passing results, the ranking, its modules, the form's
    # people, clients and modules, the top bar's open-action count
    with django_assert_num_queries(11):
        assert client.get(reverse("failure_list")).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_a_persons_assignments_cost_the_same_queries_at_any_size(client, pod_lead, am, size, django_assert_num_queries):
    acme = ClientFactory(account_manager=am)
    for _ in range(size):
        record(am, acme, TrainingModuleFactory(), pod_lead)
    client.force_login(am)
    # session, user, the person, the assignments (module, failure and client joined), their results
    with django_assert_num_queries(5):
        response = client.get(reverse("person_assignments", args=[am.pk]), **HTMX)
    assert response.content.decode().count("to do") == size
