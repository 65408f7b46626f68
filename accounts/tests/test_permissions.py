import pytest

from accounts.permissions import can_write_client_work, can_write_experiments, people_scope
from accounts.tests.factories import UserFactory
from clients.models import Client, WeeklyGoal
from clients.tests.factories import ClientFactory, WeeklyGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(personas):
    """Two clients in pod A (am's), one in pod B (other_am's)."""
    return {
        "mine": ClientFactory(account_manager=personas["am"]),
        "mine_too": ClientFactory(account_manager=personas["am"]),
        "theirs": ClientFactory(account_manager=personas["other_am"]),
    }


def visible(user) -> set[str]:
    return set(Client.objects.visible_to(user).values_list("name", flat=True))


def test_an_am_sees_only_their_own_clients(personas, book):
    assert visible(personas["am"]) == {book["mine"].name, book["mine_too"].name}
    assert visible(personas["other_am"]) == {book["theirs"].name}


def test_leadership_and_admins_see_every_client(personas, book):
    assert visible(personas["leader"]) == {c.name for c in book.values()}
    assert visible(personas["admin"]) == {c.name for c in book.values()}


def test_pod_leads_and_designers_see_their_pods_clients(personas, book):
    assert visible(personas["pod_lead"]) == {book["mine"].name, book["mine_too"].name}
    assert visible(personas["designer"]) == {book["mine"].name, book["mine_too"].name}


def test_inactive_and_anonymous_users_see_nothing(personas, book):
    from django.contrib.auth.models import AnonymousUser

    personas["am"].is_active = False
    assert visible(personas["am"]) == set()
    assert visible(AnonymousUser()) == set()


def test_client_scoped_rows_follow_their_clients_scope(personas, book):
    WeeklyGoalFactory(client=book["mine"])
    WeeklyGoalFactory(client=book["theirs"])
    assert WeeklyGoal.objects.visible_to(personas["am"]).get().client == book["mine"]
    assert WeeklyGoal.objects.visible_to(personas["leader"]).count() == 2


def test_who_may_write_for_a_client(personas, book):
    assert can_write_client_work(personas["am"], book["mine"])
    assert not can_write_client_work(personas["am"], book["theirs"])
    assert can_write_client_work(personas["pod_lead"], book["mine"])
    assert not can_write_client_work(personas["pod_lead"], book["theirs"])
    assert not can_write_client_work(personas["leader"], book["mine"])
    assert not can_write_client_work(personas["designer"], book["mine"])
    assert can_write_experiments(personas["designer"], book["mine"])
    assert not can_write_experiments(personas["designer"], book["theirs"])


def test_people_scope(personas):
    from accounts.models import User

    def people(user):
        return set(User.objects.filter(people_scope(user)).values_list("username", flat=True))

    assert people(personas["am"]) == {"am"}
    assert people(personas["pod_lead"]) == {"podlead", "am", "designer"}
    assert "otheram" in people(personas["leader"])
    assert people(UserFactory(username="loner", pod=None)) == {"loner"}
