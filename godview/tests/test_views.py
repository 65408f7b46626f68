"""God-view screens: scope, permissions, htmx fragments, CSV, and flat query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client, ReviewDecision
from core.weeks import today
from godview.rollup import rollup_day
from godview.tests.conftest import build_clients

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
WIDGETS = ["warnings", "risk", "heatmap", "pods", "people", "performers", "freshness"]


def scoped_urls(agency, pod, other_pod) -> list[str]:
    return [
        "/",
        *[f"/widgets/{name}/" for name in WIDGETS],
        "/widgets/warnings/?format=csv",
        "/widgets/pods/?format=csv",
        "/widgets/people/?format=csv",
        "/widgets/performers/?format=csv",
        "/widgets/heatmap/?format=csv",
        "/widgets/risk/?format=csv",
        "/clients/",
        "/clients/?format=csv",
        "/goals/",
        "/goals/?format=csv",
        "/review-queue/",
        "/review-queue/?format=csv",
        "/review/",
        f"/review/?pod={pod.pk}",
        f"/clients/{agency['am_client'].pk}/",
        f"/pods/{pod.pk}/",
    ]


def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, agency, pod, other_pod, am):
    urls = [*scoped_urls(agency, pod, other_pod), f"/people/{am.pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url


def test_leadership_sees_every_screen(client, agency, pod, other_pod, leader, am):
    client.force_login(leader)
    for url in [*scoped_urls(agency, pod, other_pod), f"/people/{am.pk}/", f"/pods/{other_pod.pk}/"]:
        assert client.get(url).status_code == 200, url


def test_an_am_gets_404_outside_their_own_clients_and_page(client, agency, pod, other_pod, am, other_am, pod_lead):
    client.force_login(am)
    for url in [
        f"/clients/{agency['other_client'].pk}/",
        f"/people/{other_am.pk}/",
        f"/people/{pod_lead.pk}/",
        f"/pods/{pod.pk}/",
        f"/pods/{other_pod.pk}/",
        "/review/",
        f"/review/?pod={pod.pk}",
        "/review-queue/",
        "/review-queue/?format=csv",
        "/widgets/pods/",
        "/widgets/pods/?format=csv",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/clients/{agency['am_client'].pk}/").status_code == 200
    assert client.get(f"/people/{am.pk}/").status_code == 200


def test_an_am_sees_only_their_clients_in_lists_widgets_and_exports(client, agency, am):
    client.force_login(am)
    mine, theirs = agency["am_client"].name, agency["other_client"].name
    for url in ["/clients/", "/widgets/warnings/", "/goals/"]:
        body = client.get(url).content.decode()
        assert theirs not in body, url
    csv = b"".join(client.get("/clients/?format=csv").streaming_content).decode("utf-8-sig")
    assert mine in csv
    assert theirs not in csv


def test_a_pod_lead_sees_their_pod_but_not_another(client, agency, pod, other_pod, pod_lead):
    client.force_login(pod_lead)
    assert client.get(f"/pods/{pod.pk}/").status_code == 200
    assert client.get(f"/pods/{other_pod.pk}/").status_code == 404
    assert client.get(f"/clients/{agency['other_client'].pk}/").status_code == 404
    assert client.get(f"/review/?pod={other_pod.pk}").status_code == 404


def test_filters_swap_the_dashboard_body_as_a_fragment(client, agency, leader, pod):
    client.force_login(leader)
    response = client.get(f"/?period=12w&pod={pod.pk}", **HX, HTTP_HX_TARGET="dashboard-body")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="dashboard-body"' in body
    assert "kpi-strip" in body
    # The lazy widgets inside carry the same filters.
    assert f"/widgets/warnings/?period=12w&amp;pod={pod.pk}" in body


def test_a_widget_answers_with_its_fragment(client, agency, leader):
    client.force_login(leader)
    for name in WIDGETS:
        body = client.get(f"/widgets/{name}/", **HX, HTTP_HX_TARGET=name).content.decode()
        assert "<html" not in body, name
        assert f'id="{name}"' in body, name


def test_bad_filters_are_a_clear_400(client, agency, leader):
    client.force_login(leader)
    response = client.get("/?pod=999999")
    assert response.status_code == 400
    assert "pod" in response.content.decode()
    assert client.get("/widgets/nope/").status_code == 404


def test_leadership_records_a_review_decision_and_the_client_leaves_the_queue(client, agency, leader, pod_lead):
    target = agency["am_client"]
    snapshot = target.snapshots.order_by("-date").first()
    risk = target.risk_assessments.first()
    # Make the two scores 2+ apart.
    snapshot.health_score = 4 if risk.score <= 2 else 1
    snapshot.save()
    client.force_login(pod_lead)
    assert target.name in client.get("/review-queue/").content.decode()
    assert (
        client.post(f"/review-queue/{target.pk}/decide/", {"verdict": "risk_score", "reason": "x"}).status_code == 404
    )

    client.force_login(leader)
    bad = client.post(f"/review-queue/{target.pk}/decide/", {"verdict": "risk_score", "reason": "  "}, **HX)
    assert bad.status_code == 422
    response = client.post(
        f"/review-queue/{target.pk}/decide/", {"verdict": "risk_score", "reason": "Sponsor confirmed renewal"}, **HX
    )
    assert response.status_code == 200
    assert "decision recorded" in response.content.decode()
    decision = ReviewDecision.objects.get(client=target)
    assert (decision.assessment_id, decision.decided_by, decision.verdict) == (risk.pk, leader, "risk_score")
    assert target.name not in client.get("/review-queue/").content.decode()


def test_the_growth_review_steps_through_a_pods_clients(client, agency, pod, leader, am):
    build_clients(3, [am], start=100)
    client.force_login(leader)
    names = sorted(Client.objects.filter(account_manager__pod=pod).values_list("name", flat=True))
    first = client.get(f"/review/?pod={pod.pk}").content.decode()
    assert names[0] in first
    assert 'data-step="next"' in first
    second = client.get(f"/review/?pod={pod.pk}&i=1").content.decode()
    assert names[1] in second
    assert 'accesskey="p"' in second


def test_the_client_page_lazy_loads_the_workspace_only_for_writers(client, agency, leader, am):
    url = f"/clients/{agency['am_client'].pk}/"
    client.force_login(am)
    assert f"/clients/{agency['am_client'].pk}/work/" in client.get(url).content.decode()
    client.force_login(leader)
    assert "/work/" not in client.get(url).content.decode()


# --- query counts ---------------------------------------------------------------------------


def count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(ctx)


def counts(client, leader, pod) -> dict[str, int]:
    """Cold counts (empty cache) and warm ones (snapshot figures cached until the next rollup)."""
    from django.core.cache import cache

    client.force_login(leader)
    client.get("/goals/")  # the first request after a login also writes the session: not counted
    cache.clear()
    urls = {"page": ("/", {}), "clients": ("/clients/", {}), "review-queue": ("/review-queue/", {})}
    urls["pod"] = (f"/pods/{pod.pk}/", {})
    urls |= {name: (f"/widgets/{name}/", HX | {"HTTP_HX_TARGET": name}) for name in WIDGETS}
    urls["body"] = ("/?period=12w", HX | {"HTTP_HX_TARGET": "dashboard-body"})
    result = {name: count(client, url, **headers) for name, (url, headers) in urls.items()}
    result |= {f"{name} warm": count(client, url, **headers) for name, (url, headers) in urls.items()}
    return result


def test_query_counts_are_flat_from_20_to_200_clients(client, leader, pod, other_pod, am, other_am, more_ams):
    managers = [am, other_am, *more_ams]
    build_clients(20, managers)
    rollup_day(today() - dt.timedelta(days=1))
    small = counts(client, leader, pod)
    build_clients(180, managers, start=20)
    rollup_day(today() - dt.timedelta(days=1))
    large = counts(client, leader, pod)
    assert large == small
    # The page (18): session, user, tiers, the clients aggregate (active, MRR, at-risk MRR, stale,
    # churn), previous-period snapshot stocks, task flows from snapshots, the latest overdue stock,
    # goal hits (from the goal weeks), revenue events twice (NRR now and a period ago), quarterly
    # reviews (the clients owing this quarter's and the last, then their reviews by status), the
    # training totals (its modules; people by role and the results' sums, once for both periods,
    # only when a module is required: none here), the KPI targets (cached
    # after), the filter form's pods, tiers and people, and the top bar's open-action count (one on
    # every full page: clients, review queue and pod pages too; partials skip it). The objectives
    # tile loads itself (its own request).
    assert small["page"] == 18
    # Widgets: session and user (2), then warnings: the counts, the clients ranked by priority (in
    # SQL), the shown clients' open firings and their open or snoozed actions;
    # risk: distribution + trend (the snapshot weeks); heatmap: goals by pod and week + pod names;
    # boards: clients, goals, the period's task sums from the snapshot weeks and the latest day's
    # overdue stock, names;
    # performers: managers, clients, the latest snapshot date, the two days' risk scores per manager,
    # the window's task sums from the snapshot weeks, contacts, goals,
    # training, hours, the managers' own tactics and experiments (2), then the designers' tactics
    # and experiments (2; their names are one more when a designer has any); freshness: sources
    # with their last success.
    # The body swap (16): the page's figures without the top bar, plus the filter bar's pods, tiers
    # and people (3), swapped out of band so the AM list follows the chosen pod.
    # The pod page (27): its 23, the top bar's count, its members' own tactics and experiments
    # (2, by owner), and its objectives per AM (1); its meetings load lazily (their own partial).
    cold = {name: n for name, n in small.items() if not name.endswith("warm")}
    assert cold == {
        "page": 18, "body": 16, "clients": 9, "review-queue": 5, "pod": 27,
        "warnings": 6, "risk": 4, "heatmap": 4, "pods": 7, "people": 7, "performers": 15, "freshness": 3,
    }  # fmt: skip
    # Warm: the KPI targets (1), the snapshot stocks, flows and overdue stock (3), each board's
    # task sums and stock (2) and the whole top-performer comparison (11, the designers' table included)
    # come from the cache.
    assert (small["page warm"], small["pods warm"], small["performers warm"]) == (13, 5, 2)


def test_after_the_nightly_warm_up_the_first_page_load_is_a_warm_one(client, leader, pod, am, other_am):
    from django.core.cache import cache

    from godview.warm import warm_leadership_caches

    build_clients(5, [am, other_am])
    rollup_day(today())
    client.force_login(leader)
    client.get("/goals/")  # the session write of the first request is not what is measured
    cache.clear()
    assert warm_leadership_caches() is True
    assert count(client, "/") == 13  # 18 cold, less the 4 snapshot figures and the targets now cached
    # Other filters: the boards and the performers sum the snapshot weeks; the daily rows they read
    # are a day's stock per board and the performers' latest date and two days of risk: no client's
    # weeks, no period of days.
    with CaptureQueriesContext(connection) as queries:
        for name, query in (
            ("pods", f"pod={pod.pk}&period=12w"),
            ("people", "period=26w"),
            ("performers", f"am={am.pk}"),
        ):
            assert client.get(f"/widgets/{name}/?{query}", **HX, HTTP_HX_TARGET=name).status_code == 200
    assert not any("clients_weeklysnapshot" in q["sql"] for q in queries.captured_queries)
    daily = [q["sql"] for q in queries.captured_queries if "clients_dailysnapshot" in q["sql"]]
    assert len(daily) == 4 and all('"date" = ' in sql or '"date" IN (' in sql or "LIMIT 1" in sql for sql in daily)


def test_rates_read_the_same_on_every_screen():
    from core.templatetags import numbers

    # One library for every screen: halves go up, floats and Decimals alike.
    pct, pts = numbers.register.filters["pct"], numbers.register.filters["pts"]
    assert pct(0.125) == pct(Decimal("0.125")) == "13%"
    assert pct(None) == "—"
    assert pts(0.125) == "+13 pts"
    assert (pts(0), pts(-0.03)) == ("0 pts", "-3 pts")
