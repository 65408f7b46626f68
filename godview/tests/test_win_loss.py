"""Designers' A/B tests and tactics reach leadership (issue 14 part 8): win/loss is counted by
the person who ran them, on the person and pod pages and in the top-performers comparison."""

from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory
from clients.tests.factories_workspace import ExperimentFactory, TacticFactory
from godview import performance
from godview.win_loss import win_loss_by_owner

pytestmark = pytest.mark.django_db


def experiment(client, owner, outcome, confidence="97"):
    return ExperimentFactory(client=client, owner=owner, outcome=outcome, confidence=Decimal(confidence))


@pytest.fixture
def tests_of_the_designer(am, other_am, designer):
    """Pod A's designer: 2 confident wins, 1 confident loss, 1 win below the threshold on pod A's
    client; and a win on pod B's client (outside a pod-A lead's scope)."""
    mine = ClientFactory(account_manager=am, name="Mine")
    experiment(mine, designer, "win")
    experiment(mine, designer, "win", "99.5")
    experiment(mine, designer, "loss")
    experiment(mine, designer, "win", "80")
    experiment(ClientFactory(account_manager=other_am), designer, "win")
    TacticFactory(client=mine, owner=am, outcome="loss")
    return mine


def test_a_designers_page_counts_the_ab_tests_they_ran(client, leader, designer, tests_of_the_designer):
    client.force_login(leader)
    page = client.get(reverse("person_detail", args=[designer.pk])).content.decode()
    # By the client's AM (the old count) a designer had 0W/0L; by owner, their own tests count.
    assert "3W · 1L · 1 inconclusive" in page
    assert "75%" in page


def test_a_pod_lead_counts_only_the_tests_on_clients_in_their_scope(client, pod_lead, designer, tests_of_the_designer):
    client.force_login(pod_lead)
    page = client.get(reverse("person_detail", args=[designer.pk])).content.decode()
    assert "2W · 1L · 1 inconclusive" in page


def test_the_pod_page_shows_win_loss_per_person(client, leader, am, designer, tests_of_the_designer):
    client.force_login(leader)
    page = client.get(reverse("pod_detail", args=[am.pod.pk])).content.decode()
    row = page.split(f'href="/people/{designer.pk}/"')[1].split("</tr>")[0]
    assert "3W · 1L" in row
    am_row = page.split(f'href="/people/{am.pk}/"')[1].split("</tr>")[0]
    assert "0W · 1L" in am_row


def test_win_loss_by_owner_counts_experiments_only_at_the_confidence_threshold(designer, tests_of_the_designer):
    tally = win_loss_by_owner(Q(owner=designer), Client.objects.all())[designer.pk]
    assert (tally.wins, tally.losses, tally.inconclusive, tally.rate) == (3, 1, 1, 0.75)


def test_the_top_performer_comparison_shows_designers_and_own_win_rates(am, other_am, designer, tests_of_the_designer):
    TacticFactory(client=ClientFactory(account_manager=other_am), owner=other_am, outcome="win")
    result = performance.top_performers(Client.objects.all())
    (row,) = result["designers"]
    assert (row.user_id, row.tally.wins, row.tally.losses) == (designer.pk, 3, 1)
    gap = next(g for g in result["gaps"] if g.code == "win_rate")
    stats = {p.user_id: p.win_rate for p in performance.gather(Client.objects.all())}
    assert stats[am.pk] == 0.0 and stats[other_am.pk] == 1.0
    assert {gap.top, gap.rest} == {0.0, 1.0}


def test_the_performers_widget_lists_the_designers(client, leader, designer, tests_of_the_designer):
    client.force_login(leader)
    response = client.get("/widgets/performers/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="performers")
    html = response.content.decode()
    assert "Designers&#x27; A/B tests and tactics, by designer" in html or "Designers' A/B tests" in html
    assert f'href="/people/{designer.pk}/"' in html
