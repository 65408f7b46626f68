"""The training screen, its export, the person and panel partials, module pages: scope, htmx, queries."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import PodFactory, UserFactory
from clients.tests.factories import ClientFactory
from training.tests.factories import TrainingModuleFactory, TrainingResultFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EVERYONE = ["pod_lead", "am", "other_am", "designer"]


def logged_in(client, user):
    """Log in and make one request, so the session-timeout stamp is written before counting queries."""
    client.force_login(user)
    client.get(reverse("training_panel"), **HTMX)
    return client


@pytest.fixture
def modules(db):
    roles = ["account_manager", "pod_lead", "designer"]
    return [TrainingModuleFactory(title=f"Module {n}", required_roles=roles) for n in range(3)]


@pytest.fixture
def world(personas, modules):
    TrainingResultFactory(user=personas["am"], module=modules[0], score=91)
    TrainingResultFactory(user=personas["other_am"], module=modules[1], score=40, passed=False)
    return personas


def names_on(response, personas) -> set[str]:
    """Which of the people who must take training appear as rows (their name as a link)."""
    body = response.content.decode()
    return {key for key in EVERYONE if f">{personas[key]}</a>" in body}


# --- permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("leader", {"pod_lead", "am", "other_am", "designer"}),
        ("admin", {"pod_lead", "am", "other_am", "designer"}),
        ("pod_lead", {"pod_lead", "am", "designer"}),
        ("am", {"am"}),
        ("other_am", {"other_am"}),
        ("designer", {"designer"}),
    ],
)
def test_the_training_screen_shows_each_role_its_own_scope(client, world, who, sees):
    client.force_login(world[who])
    response = client.get(reverse("training"))
    assert response.status_code == 200
    assert names_on(response, world) == sees


@pytest.mark.parametrize(
    ("who", "rows"),
    [
        ("leader", {"pod_lead", "am", "other_am", "designer"}),
        ("pod_lead", {"pod_lead", "am", "designer"}),
        ("am", {"am"}),
        ("other_am", {"other_am"}),
        ("designer", {"designer"}),
    ],
)
def test_the_csv_export_follows_the_same_scope(client, world, who, rows):
    client.force_login(world[who])
    response = client.get(reverse("training_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert lines[0][:3] == ["Person", "Pod", "Role"]
    assert {line[0] for line in lines[1:]} == {str(world[key]) for key in rows}


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("leader", "other_am", 200),
        ("admin", "am", 200),
        ("pod_lead", "am", 200),
        ("pod_lead", "designer", 200),
        ("pod_lead", "other_am", 404),
        ("am", "am", 200),
        ("am", "other_am", 404),
        ("am", "designer", 404),
        ("other_am", "am", 404),
        ("designer", "designer", 200),
        ("designer", "am", 404),
    ],
)
def test_a_persons_training_is_404_outside_the_viewers_scope(client, world, who, target, status):
    client.force_login(world[who])
    url = reverse("training_person", args=[world[target].pk])
    assert client.get(url).status_code == status
    assert client.get(url, **HTMX).status_code == status


@pytest.mark.parametrize(
    "url_name", ["training", "training_export", "training_panel", "training_person", "training_module"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, world, modules, url_name):
    args = {"training_person": [world["am"].pk], "training_module": [modules[0].pk]}.get(url_name, [])
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_panel_refuses_an_am_filter_outside_the_viewers_scope(client, world):
    client.force_login(world["am"])
    response = client.get(reverse("training_panel"), {"am": world["other_am"].pk}, **HTMX)
    assert response.status_code == 400


def test_a_pod_lead_cannot_filter_the_screen_or_export_by_another_pod(client, world, other_pod):
    client.force_login(world["pod_lead"])
    assert client.get(reverse("training"), {"pod": other_pod.pk}).status_code == 400
    assert client.get(reverse("training_export"), {"pod": other_pod.pk}).status_code == 400


@pytest.mark.parametrize("query", [{"pod": "abc"}, {"pod": "99999"}, {"role": "wizard"}, {"page": "-1"}])
def test_bad_filters_get_a_clear_400_not_a_500(client, world, query):
    client.force_login(world["leader"])
    response = client.get(reverse("training"), query)
    assert response.status_code == 400
    assert "These filters cannot be used." in response.content.decode()


# --- content and htmx ----------------------------------------------------------------------


def test_filtering_by_pod_with_htmx_swaps_only_the_training_body(client, world, pod):
    client.force_login(world["leader"])
    response = client.get(reverse("training"), {"pod": pod.pk}, HTTP_HX_TARGET="training-body", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<div id="training-body"')
    assert str(world["am"]) in body and str(world["other_am"]) not in body


def test_each_cell_carries_a_word_or_score_besides_its_colour(client, world):
    client.force_login(world["leader"])
    body = client.get(reverse("training")).content.decode()
    assert 'class="tcell tcell-passed"' in body and "91" in body
    assert 'class="tcell tcell-failed"' in body and "40" in body
    assert 'class="tcell tcell-missing"' in body and ">missing<" in body


def test_the_person_partial_lists_their_modules_gaps_and_overdue_ones(client, world, modules):
    am = world["am"]
    am.hired_on = am.date_joined.date().replace(year=am.date_joined.year - 1)
    am.save()
    client.force_login(world["leader"])
    response = client.get(reverse("training_person", args=[am.pk]), **HTMX)
    body = response.content.decode()
    assert "<html" not in body and 'id="training-person"' in body
    assert "1 of 3 required modules passed" in body
    assert body.count('class="badge badge-bad">overdue') == 2 * 2  # in the to-do list and in the table
    assert "Module 1" in body and "Module 2" in body


def test_the_person_page_without_htmx_is_a_whole_page(client, world):
    client.force_login(world["am"])
    response = client.get(reverse("training_person", args=[world["am"].pk]))
    assert "<html" in response.content.decode()


def test_the_panel_shows_compliance_top_gaps_and_who_is_behind(client, world, pod):
    client.force_login(world["leader"])
    response = client.get(reverse("training_panel"), {"pod": pod.pk, "period": "30d"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body and 'id="training-panel"' in body
    # Pod A: pod lead, AM, designer × 3 modules = 9 required; the AM passed one.
    assert "11%" in body and "1 of 9 passed" in body
    assert reverse("training") in body
    assert str(world["other_am"]) not in body


def test_the_panel_filtered_by_an_am_shows_that_person_only(client, world):
    client.force_login(world["leader"])
    body = client.get(reverse("training_panel"), {"am": world["am"].pk}, **HTMX).content.decode()
    assert "1 of 3 passed" in body


def test_a_module_page_renders_its_procedure_safely(client, world, modules):
    module = modules[0]
    module.procedure = "## Steps\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))"
    module.save()
    client.force_login(world["am"])
    body = client.get(reverse("training_module", args=[module.pk])).content.decode()
    assert "<h2>Steps</h2>" in body
    assert "alert(1)" not in body


def test_an_empty_screen_explains_itself(client, leader):
    client.force_login(leader)
    body = client.get(reverse("training")).content.decode()
    assert "No active module is required for any role yet." in body


# --- query counts ----------------------------------------------------------------------------


def grow(pods: int, modules: int) -> None:
    """`pods` more pods of four people each, `modules` more modules, results and clients for all."""
    extra = [TrainingModuleFactory(required_roles=["account_manager", "designer"]) for _ in range(modules)]
    for _ in range(pods):
        team = PodFactory()
        for role in (Role.ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER, Role.DESIGNER, Role.POD_LEAD):
            person = UserFactory(role=role, pod=team)
            ClientFactory(account_manager=person)
            for module in extra:
                TrainingResultFactory(user=person, module=module)


@pytest.mark.parametrize(("pods", "extra_modules"), [(1, 1), (6, 4)])
def test_the_training_screen_costs_the_same_queries_at_any_size(
    client, world, django_assert_num_queries, pods, extra_modules
):
    grow(pods, extra_modules)
    logged_in(client, world["leader"])
    # session, user, modules, people, results, coaching: clients, goals, snapshots, then the pod
    # filter's pods, the top bar's open-action count; (savepoint, session update, release: the idle timeout).
    with django_assert_num_queries(10):
        assert client.get(reverse("training")).status_code == 200
    # The htmx swap skips the filter bar and its pods query.
    with django_assert_num_queries(8):
        client.get(reverse("training"), HTTP_HX_TARGET="training-body", **HTMX)


@pytest.mark.parametrize(("pods", "extra_modules"), [(1, 1), (6, 4)])
def test_the_panel_and_person_partials_cost_the_same_queries_at_any_size(
    client, world, django_assert_num_queries, pods, extra_modules
):
    grow(pods, extra_modules)
    logged_in(client, world["leader"])
    # session, user, modules, people, then results counted per person, per module, and outdated.
    with django_assert_num_queries(7):
        client.get(reverse("training_panel"), **HTMX)
    # session, user, the person (scoped), modules, people, results.
    with django_assert_num_queries(6):
        client.get(reverse("training_person", args=[world["am"].pk]), **HTMX)


@pytest.mark.parametrize(("pods", "extra_modules"), [(1, 1), (6, 4)])
def test_the_export_costs_the_same_queries_at_any_size(client, world, django_assert_num_queries, pods, extra_modules):
    grow(pods, extra_modules)
    logged_in(client, world["leader"])
    # session, user, modules, people, results.
    with django_assert_num_queries(5):
        client.get(reverse("training_export"))


def test_a_module_page_tells_the_viewer_where_they_stand(client, world, modules):
    client.force_login(world["am"])
    passed = client.get(reverse("training_module", args=[modules[0].pk])).content.decode()
    assert "Your result: 91" in passed and "passed" in passed
    missing = client.get(reverse("training_module", args=[modules[1].pk])).content.decode()
    assert "Required for your role" in missing
