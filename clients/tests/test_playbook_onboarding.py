"""Handoff and onboarding (issue 20, item 4): a template applied through the client record's own
services, the handoff checklist, onboarding progress by hand, scope and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients import onboarding
from clients.models import Handoff, HandoffItem, KickoffItem, Objective, OnboardingTemplate, OnboardingTemplateItem
from clients.tests.conftest import HTMX, token
from clients.tests.factories import ClientFactory, ObjectiveFactory
from clients.tests.factories_workspace import KickoffItemFactory
from core.weeks import today

pytestmark = pytest.mark.django_db
Kind = OnboardingTemplateItem.Kind


def make_template(name: str = "Standard onboarding") -> OnboardingTemplate:
    template = OnboardingTemplate.objects.create(name=name, agreed_response_days=2, objective_days=90)
    rows = [
        (Kind.KICKOFF, "Kickoff call", "", None),
        (Kind.KICKOFF, "Get analytics access", "", None),
        (Kind.OBJECTIVE, "Grow qualified leads", "leads / month", Decimal("60")),
        (Kind.HANDOFF, "Read the signed scope", "", None),
        (Kind.HANDOFF, "Review the sales call notes", "", None),
    ]
    for n, (kind, text, metric, target) in enumerate(rows, start=1):
        OnboardingTemplateItem.objects.create(
            template=template, kind=kind, position=n, text=text, metric=metric, baseline=Decimal("40"), target=target
        )
    return template


def start(client, template, by) -> Handoff:
    return onboarding.onboarding_apply(client=client, template=template, sold_by="Nadia", promised="Leads", by=by)


def onboarding_client(am, **extra):
    return ClientFactory(account_manager=am, lifecycle_stage="onboarding", started_on=today(), **extra)


def test_applying_a_template_creates_the_kickoff_plan_agreement_objectives_and_handoff(am):
    acme = onboarding_client(am)
    handoff = onboarding.onboarding_apply(
        client=acme, template=make_template(), sold_by="Nadia (sales)", promised="Leads up by half.", by=am
    )
    assert list(KickoffItem.objects.filter(client=acme).values_list("position", "text")) == [
        (1, "Kickoff call"),
        (2, "Get analytics access"),
    ]
    acme.refresh_from_db()
    assert acme.agreed_response_days == 2 and acme.expectation_agreement_signed_on is None
    objective = Objective.objects.get(client=acme)
    assert (objective.title, objective.baseline, objective.target, objective.current_value) == (
        "Grow qualified leads",
        Decimal("40"),
        Decimal("60"),
        Decimal("40"),
    )
    assert (objective.start_date, objective.due_date) == (today(), today() + dt.timedelta(days=90))
    assert objective.origin == Objective.Origin.PROPOSAL
    assert [i.text for i in handoff.items.all()] == ["Read the signed scope", "Review the sales call notes"]
    assert (handoff.sold_by, handoff.promised) == ("Nadia (sales)", "Leads up by half.")


def test_a_client_is_onboarded_once_and_a_full_kickoff_plan_refuses_the_whole_template(am):
    acme = onboarding_client(am)
    template = make_template()
    onboarding.onboarding_apply(client=acme, template=template, sold_by="Nadia", promised="Leads up.", by=am)
    with pytest.raises(ValidationError, match="already started"):
        onboarding.onboarding_apply(client=acme, template=template, sold_by="Nadia", promised="Leads up.", by=am)
    full = onboarding_client(am)
    for n in range(1, 11):
        KickoffItemFactory(client=full, position=n, text=f"Item {n}")
    with pytest.raises(ValidationError, match="ten items"):
        onboarding.onboarding_apply(client=full, template=template, sold_by="Nadia", promised="Leads up.", by=am)
    assert not Handoff.objects.filter(client=full).exists()  # nothing half-made
    assert KickoffItem.objects.filter(client=full).count() == 10


def test_onboarding_progress_counts_ticked_items_the_signed_agreement_and_first_objectives(am):
    acme = onboarding_client(am, expectation_agreement_signed_on=today())
    KickoffItemFactory(client=acme, position=1, done_on=today())
    KickoffItemFactory(client=acme, position=2)
    KickoffItemFactory(client=acme, position=3)
    handoff = Handoff.objects.create(client=acme, sold_by="Nadia", promised="Leads")
    HandoffItem.objects.create(handoff=handoff, position=1, text="Scope", done_on=today())
    HandoffItem.objects.create(handoff=handoff, position=2, text="Notes")
    bare = onboarding_client(am)
    progress = onboarding.onboarding_progress([acme, bare])
    # kickoff 1 of 3, handoff 1 of 2, agreement signed (1 of 1), no objective yet (0 of 1)
    assert (progress[acme.pk].done, progress[acme.pk].total) == (1 + 1 + 1 + 0, 3 + 2 + 1 + 1)
    ObjectiveFactory(client=acme)
    assert onboarding.onboarding_progress([acme])[acme.pk].done == 4
    assert (progress[bare.pk].done, progress[bare.pk].total) == (0, 2)


def test_the_am_starts_the_onboarding_from_the_client_page_region(client, am):
    acme = onboarding_client(am)
    template = make_template()
    client.force_login(am)
    url = reverse("client_onboarding", args=[acme.pk])
    region = client.get(url, **HTMX)
    assert region.status_code == 200 and "Start onboarding" in region.content.decode()
    response = client.post(
        url,
        {"template": template.pk, "sold_by": "Nadia", "promised": "Leads up by half.", "form_token": token()},
        **HTMX,
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "kickoffChanged"
    body = response.content.decode()
    # 2 kickoff items + 2 handoff items + the agreement + the first objectives; the objective is set
    assert "1 of 6 steps done" in body
    assert "Read the signed scope" in body and "<html" not in body


def test_bad_input_answers_422_with_the_message_and_saves_nothing(client, am):
    acme = onboarding_client(am)
    template = make_template()
    client.force_login(am)
    url = reverse("client_onboarding", args=[acme.pk])
    response = client.post(url, {"template": template.pk, "sold_by": "Nadia", "promised": "...", "form_token": token()})
    assert response.status_code == 422 and "Say what was promised" in response.content.decode()
    response = client.post(url, {"template": 999999, "sold_by": "Nadia", "promised": "Leads", "form_token": token()})
    assert response.status_code == 422 and "Pick one of the onboarding templates" in response.content.decode()
    assert not Handoff.objects.exists()


def test_ticking_the_handoff_checklist_and_its_scope(client, am, other_am):
    acme = onboarding_client(am)
    handoff = start(acme, make_template(), am)
    item = handoff.items.first()
    client.force_login(other_am)
    assert client.post(reverse("handoff_toggle", args=[item.pk]), {"done": "1"}).status_code == 404
    assert client.get(reverse("client_onboarding", args=[acme.pk]), **HTMX).status_code == 404
    client.force_login(am)
    response = client.post(reverse("handoff_toggle", args=[item.pk]), {"done": "1"}, **HTMX)
    assert response.status_code == 200 and "2 of 6 steps done" in response.content.decode()
    item.refresh_from_db()
    assert item.done_on == today() and item.done_by == am


def test_the_onboarding_list_and_csv_show_only_clients_in_scope(client, am, other_am, leader):
    mine = onboarding_client(am, name="Mine")
    theirs = onboarding_client(other_am, name="Theirs")
    template = make_template()
    for c in (mine, theirs):
        start(c, template, c.account_manager)
    client.force_login(am)
    page = client.get(reverse("onboarding_list")).content.decode()
    assert "Mine" in page and "Theirs" not in page
    csv = b"".join(client.get(reverse("onboarding_export")).streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[1].startswith("Mine,") and "Theirs" not in csv
    # steps done, steps, kickoff done and all, handoff done and all, agreement signed, objectives
    assert csv.splitlines()[1].endswith(",1,6,0,2,0,2,,1")
    client.force_login(leader)
    assert "Theirs" in client.get(reverse("onboarding_list")).content.decode()


def test_the_pod_region_is_for_its_lead_and_leadership_and_404_otherwise(client, am, pod, pod_lead, other_am, leader):
    acme = onboarding_client(am, name="Acme")
    onboarding.onboarding_apply(client=acme, template=make_template(), sold_by="Nadia", promised="Leads", by=am)
    url = reverse("pod_onboarding", args=[pod.pk])
    for outsider in (am, other_am):
        client.force_login(outsider)
        assert client.get(url, **HTMX).status_code == 404
        assert client.get(reverse("onboarding_list") + f"?pod={pod.pk}").status_code == 404
    for insider in (pod_lead, leader):
        client.force_login(insider)
        response = client.get(url, **HTMX)
        assert response.status_code == 200 and "Acme" in response.content.decode()
    assert client.get(reverse("onboarding_list") + "?pod=x").status_code == 400


@pytest.mark.parametrize("size", [1, 6])
def test_the_onboarding_list_costs_the_same_queries_at_any_size(client, am, size, django_assert_num_queries):
    template = make_template()
    for _ in range(size):
        onboarding.onboarding_apply(
            client=onboarding_client(am), template=template, sold_by="Nadia", promised="Leads", by=am
        )
    client.force_login(am)
    # session, user, the paginator's count, the page of clients (AM, pod and handoff joined),
    # kickoff counts, handoff counts, objective counts, the top bar's open-action count
    with django_assert_num_queries(8):
        assert client.get(reverse("onboarding_list")).status_code == 200


@pytest.mark.parametrize("items", [0, 6])
def test_the_client_region_costs_the_same_queries_however_long_the_checklist(
    client, am, items, django_assert_num_queries
):
    acme = onboarding_client(am)
    handoff = start(acme, make_template(), am)
    for n in range(items):
        HandoffItem.objects.create(handoff=handoff, position=10 + n, text=f"Extra {n}")
    client.force_login(am)
    # session, user, client, handoff (template joined), its items, kickoff, handoff and objective counts
    with django_assert_num_queries(8):
        assert client.get(reverse("client_onboarding", args=[acme.pk]), **HTMX).status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_the_pod_region_costs_the_same_queries_at_any_size(client, am, pod, pod_lead, size, django_assert_num_queries):
    template = make_template()
    for _ in range(size):
        start(onboarding_client(am), template, am)
    client.force_login(pod_lead)
    # session, user, the pod, its onboarding clients (AM and handoff joined), kickoff, handoff and
    # objective counts
    with django_assert_num_queries(7):
        response = client.get(reverse("pod_onboarding", args=[pod.pk]), **HTMX)
    assert response.content.decode().count("<meter") == size
