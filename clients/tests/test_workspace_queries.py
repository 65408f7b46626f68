"""Query counts of the workspace pages, at two data sizes: the count must not grow with the data."""

import pytest
from django.urls import reverse

from clients.models import Action, EarlyWarning
from clients.tests.conftest import HTMX
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    ObjectiveFactory,
    RiskAssessmentFactory,
    WeeklyGoalFactory,
)
from clients.tests.factories_workspace import ExperimentFactory, QuarterlyReviewFactory, TacticFactory
from core.weeks import today

pytestmark = pytest.mark.django_db


def book(am, clients: int) -> list:
    """`clients` clients of `am`, each with goals, a contact, a risk, an objective, tactics and a review."""
    made = []
    for _ in range(clients):
        client = ClientFactory(account_manager=am)
        WeeklyGoalFactory.create_batch(2, client=client)
        ContactFactory(client=client)
        RiskAssessmentFactory(client=client, score=2)
        ObjectiveFactory(client=client)
        TacticFactory(client=client)
        ExperimentFactory(client=client)
        QuarterlyReviewFactory(client=client)
        EarlyWarning.objects.create(client=client, rule="stale_contact", reason="No contact", fired_on=today())
        Action.objects.create(client=client, owner=am, title="Call", due_on=today())
        made.append(client)
    return made


@pytest.mark.parametrize("size", [2, 12])
def test_my_clients_costs_the_same_queries_at_any_size(client, am, size, django_assert_num_queries):
    book(am, size)
    client.force_login(am)
    # session, user, clients with signals, goal hits, overdue tasks, slipped tasks, waits, the
    # clients' voice (contact sentiment and complaints), objectives, this week's goal counts,
    # tactics by person, experiments by person; Today: open warnings, the actions, the clients
    # with their risk; the top bar's open-action count
    with django_assert_num_queries(16):
        response = client.get(reverse("my_clients"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_the_client_list_partial_costs_the_same_queries_at_any_size(client, am, size, django_assert_num_queries):
    book(am, size)
    client.force_login(am)
    with django_assert_num_queries(12):  # as above, less Today's three
        response = client.get(reverse("my_clients"), HTTP_HX_TARGET="client-list", **HTMX)
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_the_week_view_costs_the_same_queries_at_any_size(client, am, size, django_assert_num_queries):
    book(am, size)
    client.force_login(am)
    # session, user, clients, the week's goals (with objective and postponement joined), the top
    # bar's open-action count
    with django_assert_num_queries(5):
        response = client.get(reverse("my_week"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_the_reviews_segment_costs_the_same_queries_at_any_size(client, leader, am, size, django_assert_num_queries):
    book(am, size)
    client.force_login(leader)
    # session, user, the clients owing the quarter's review counted for the paginator, the page of
    # them with their AM, their reviews of the quarter, the counts by status (the clients owing,
    # their reviews by status), the top bar's open-action count
    with django_assert_num_queries(8):
        response = client.get(reverse("reviews_segment"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_the_client_panel_costs_the_same_queries_however_much_history(client, am, size, django_assert_num_queries):
    (target,) = book(am, 1)
    for _ in range(size):
        WeeklyGoalFactory(client=target)
        ContactFactory(client=target)
        RiskAssessmentFactory(client=target)
        TacticFactory(client=target)
    client.force_login(am)
    with django_assert_num_queries(PANEL_QUERIES):
        response = client.get(reverse("client_workspace", kwargs={"pk": target.pk}), **HTMX)
    assert 'id="panel"' in response.content.decode()


# session, user, client; health signal (client with signals + 4 inputs), current risk, risk
# history, contacts, goals, objectives, kickoff, waits, reviews, tactics, experiments, latest NPS,
# open objectives for the goal form's choices, recent goals for the waiting form's choices
# the health signal's inputs include the slipped tasks and the client's voice (sentiment and
# complaints, one query); the contact form's choices of who from the agency took part
PANEL_QUERIES = 24
