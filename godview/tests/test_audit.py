"""Every create, update and delete of client-scoped data leaves who, when and what changed."""

import pytest
from django.urls import reverse

from clients.services import weekly_goal_complete
from clients.tests.factories import ClientFactory, WeeklyGoalFactory
from core.audit import current_user
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def acting_as():
    tokens = []

    def act(user):
        tokens.append(current_user.set(user))

    yield act
    for token in reversed(tokens):
        current_user.reset(token)


def test_creating_and_completing_a_goal_is_recorded_with_its_author_and_changes(am, acting_as):
    acting_as(am)
    goal = WeeklyGoalFactory(client=ClientFactory(account_manager=am))
    weekly_goal_complete(goal=goal)
    created, updated = AuditEntry.objects.filter(model="weekly goal", object_id=str(goal.pk)).order_by("at", "pk")
    assert created.action == "create"
    assert created.user == am
    assert created.client_id == goal.client_id
    assert created.changes["title"] == [None, goal.title]
    assert updated.action == "update"
    assert updated.changes["status"] == ["open", "done"]
    assert set(updated.changes) == {"status", "done_at", "status_changed_at"}


def test_an_unchanged_save_records_nothing(am):
    client = ClientFactory(account_manager=am)
    before = AuditEntry.objects.count()
    client.save()
    assert AuditEntry.objects.count() == before


def test_deleting_a_client_keeps_its_trail(am, acting_as):
    acting_as(am)
    client = ClientFactory(account_manager=am, name="Gone Ltd")
    client_id = client.pk
    client.delete()
    trail = AuditEntry.objects.for_client(client_id)
    assert list(trail.values_list("action", flat=True)) == ["delete", "create"]
    assert trail.first().changes["name"] == ["Gone Ltd", None]


def test_an_admin_edit_is_attributed_to_the_admin(client, admin_user):
    record = ClientFactory(name="Acme")
    client.force_login(admin_user)
    url = reverse("admin:clients_client_change", args=[record.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "Acme Group",
            "tier": record.tier_id,
            "account_manager": record.account_manager_id,
            "kickoff_items-TOTAL_FORMS": 0,
            "kickoff_items-INITIAL_FORMS": 0,
            "objectives-TOTAL_FORMS": 0,
            "objectives-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.filter(action="update", object_id=str(record.pk)).get()
    assert entry.user == admin_user
    assert entry.changes["name"] == ["Acme", "Acme Group"]


def test_leadership_reads_a_clients_change_history_on_the_client_page(client, leader, am, acting_as):
    acting_as(am)
    record = ClientFactory(account_manager=am, name="Acme")
    goal = WeeklyGoalFactory(client=record, title="Launch the spring campaign")
    weekly_goal_complete(goal=goal)
    client.force_login(leader)
    page = client.get(f"/clients/{record.pk}/")
    assert f'hx-get="/clients/{record.pk}/history/"' in page.content.decode()
    history = client.get(f"/clients/{record.pk}/history/", HTTP_HX_REQUEST="true").content.decode()
    assert "Launch the spring campaign" in history
    assert "open → done" in history
    assert str(am) in history
    export = b"".join(client.get(f"/clients/{record.pk}/history/?format=csv").streaming_content).decode("utf-8-sig")
    assert "Launch the spring campaign" in export


def test_account_managers_do_not_see_the_change_history(client, am):
    record = ClientFactory(account_manager=am)
    client.force_login(am)
    assert "/history/" not in client.get(f"/clients/{record.pk}/").content.decode()
    assert client.get(f"/clients/{record.pk}/history/").status_code == 404
