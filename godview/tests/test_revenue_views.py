"""/revenue/, its rows and CSV, the client's contract panel, the pipelines on the pod and person
pages, and the finance and read-only roles: who sees what (404 outside), what each can write, and
pinned query counts at two data sizes."""

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients.models import Contract, Opportunity, RevenueEvent
from clients.tests.factories import ClientFactory, NPSResponseFactory, RevenueEventFactory, RiskAssessmentFactory
from core.weeks import today

D = Decimal


@pytest.fixture
def finance(db):
    return UserFactory(username="finance", role=Role.FINANCE)


@pytest.fixture
def viewer(db):
    return UserFactory(username="advisor", role=Role.VIEWER)


def book(am, n: int, mrr: str = "1000", renew_in: int = 40):
    """`n` clients of `am`, each with a year of revenue, a contract renewing soon, an upsell, NPS."""
    clients = []
    for i in range(n):
        c = ClientFactory(account_manager=am, mrr=D(mrr), name=f"{am.username}-{i}")
        RevenueEventFactory(client=c, kind="new", amount=D(mrr), occurred_on=today() - dt.timedelta(days=400))
        Contract.objects.create(client=c, starts_on=today() - dt.timedelta(days=365 - renew_in),
                                renews_on=today() + dt.timedelta(days=renew_in), committed_mrr=D(mrr))  # fmt: skip
        Opportunity.objects.create(client=c, title="Upsell", expected_mrr=D("100"), owner=am, identified_on=today())
        RiskAssessmentFactory(client=c, score=2)
        NPSResponseFactory(client=c, score=9)
        clients.append(c)
    return clients


def body(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("leader", 200), ("admin_user", 200), ("pod_lead", 200), ("finance", 200), ("viewer", 200), ("am", 404),
     ("designer", 404), ("other_am", 404)],
)  # fmt: skip
def test_the_revenue_screen_is_for_leadership_finance_the_read_only_role_and_pod_leads(
    client, request, who, status, am, other_am
):
    book(am, 1)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("revenue")).status_code == status
    assert client.get(reverse("revenue_export") + "?table=renewals").status_code == status
    assert client.get(reverse("revenue_rows") + "?figure=mrr").status_code == status
    assert client.get(reverse("revenue_rows_export") + "?figure=renewals").status_code == status


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(reverse("revenue")).status_code == 302


@pytest.mark.django_db
def test_a_pod_lead_sees_only_the_pods_figures_and_not_another_pod(client, pod_lead, am, other_am, other_pod):
    book(am, 2, "1000")
    book(other_am, 3, "7777")
    client.force_login(pod_lead)
    page = body(client.get(reverse("revenue")))
    assert "2.0k USD" in page and "7.8k" not in page and "23.3k" not in page
    rows = body(client.get(reverse("revenue_rows") + "?figure=renewals&window=90"))
    assert "am-0" in rows and "otheram-0" not in rows
    assert client.get(reverse("revenue") + f"?pod={other_pod.pk}").status_code == 404


@pytest.mark.django_db
def test_every_number_links_to_rows_that_recompute_it(client, leader, am, other_am, pod):
    book(am, 2, "1000")
    book(other_am, 1, "500")
    client.force_login(leader)
    page = body(client.get(reverse("revenue")))
    month = today().strftime("%Y-%m")
    for figure in ("mrr", "nrr", "grr", "churn", "clv", "margin", "nps", "events"):
        assert f"figure={figure}&amp;month={month}" in page
    mrr = body(client.get(reverse("revenue_rows") + f"?figure=mrr&month={month}"))
    assert "MRR 2500.00" in mrr and "am-0" in mrr and "otheram-0" in mrr
    due = body(client.get(reverse("revenue_rows") + f"?figure=renewals&window=60&in_pod={pod.pk}"))
    assert "2 contracts, committed MRR 2000.00, forecast 1000.00" in due  # 2 × 1,000 × 50% (risk 2)
    nrr = body(client.get(reverse("revenue_rows") + f"?figure=nrr&month={month}"))
    assert "100%" in nrr and "3 clients" in nrr
    stage = body(client.get(reverse("revenue_rows") + "?figure=pipeline&stage=identified"))
    assert "3 opportunities, expected MRR 300.00" in stage


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?months=99", "?months=x", "?pod=abc", "?figure=zzz", "?figure=mrr&month=2026-13", "?figure=renewals&window=7",
     "?figure=mrr&month=2999-01", "?figure=pipeline&stage=dreaming"],
)  # fmt: skip
def test_bad_parameters_answer_400_with_a_message(client, leader, query):
    client.force_login(leader)
    url = reverse("revenue_rows" if "figure" in query else "revenue")
    assert client.get(url + query).status_code == 400


@pytest.mark.django_db
def test_each_table_exports_csv_with_a_bom(client, leader, am):
    book(am, 2)
    client.force_login(leader)
    monthly = csv_rows(client.get(reverse("revenue_export") + "?table=monthly&months=3"))
    assert monthly[0][:3] == ["month", "as of", "mrr"] and len(monthly) == 4
    assert monthly[-1][2] == "2000.00"
    renewals = csv_rows(client.get(reverse("revenue_export") + "?table=renewals"))
    assert renewals[1:4] == [
        ["30", "0", "0", "0"],
        ["60", "2", "2000.00", "1000.00"],
        ["90", "2", "2000.00", "1000.00"],
    ]
    for table in ("renewals_by_pod", "renewals_by_risk", "pipeline", "funnel", "onboarding"):
        assert len(csv_rows(client.get(reverse("revenue_export") + f"?table={table}"))) >= 1
    rows = csv_rows(client.get(reverse("revenue_rows_export") + "?figure=renewals&window=90"))
    assert rows[0][0] == "Client" and sorted(r[0] for r in rows[1:]) == ["am-0", "am-1"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_the_revenue_screen_costs_the_same_queries_at_any_size(client, leader, am, size, django_assert_num_queries):
    book(am, size)
    client.force_login(leader)
    client.get("/goals/")  # the session write of the first request is not counted
    # session, user; the ledger (clients, revenue events), cost of hours, NPS by month; renewal
    # likelihoods, contracts due with their client's risk; pipeline; renewal rate; time to value;
    # funnel; onboarding; the pods of the filter; the top bar's open actions
    with django_assert_num_queries(15):
        response = client.get(reverse("revenue"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_exports_cost_the_same_queries_at_any_size(client, leader, am, size, django_assert_num_queries):
    book(am, size)
    client.force_login(leader)
    client.get("/goals/")
    with django_assert_num_queries(13):  # session, user and the eleven of the figures (no filter, no top bar)
        b"".join(client.get(reverse("revenue_export") + "?table=renewals").streaming_content)
    with django_assert_num_queries(4):  # session, user, likelihoods, the contracts due
        b"".join(client.get(reverse("revenue_rows_export") + "?figure=renewals").streaming_content)


# --- the client's contract panel and its forms ----------------------------------------------


def post(client, url: str, data: dict, **headers):
    return client.post(url, {**data, "form_token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true", **headers)


@pytest.mark.django_db
def test_the_contract_panel_is_in_scope_only(client, am, other_am, pod_lead):
    [mine] = book(am, 1)
    [theirs] = book(other_am, 1)
    client.force_login(am)
    assert client.get(reverse("client_contract", args=[mine.pk]), HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(reverse("client_contract", args=[theirs.pk])).status_code == 404
    client.force_login(pod_lead)
    assert client.get(reverse("client_contract", args=[theirs.pk])).status_code == 404


@pytest.mark.django_db
def test_leadership_records_a_contract_and_its_renewal_from_the_client_page(client, leader, am):
    c = ClientFactory(account_manager=am, mrr=D("0"))
    RevenueEventFactory(client=c, kind="new", amount=D("1000"))
    client.force_login(leader)
    assert "contract-panel" in body(client.get(reverse("client_detail", args=[c.pk])))
    start = today() - dt.timedelta(days=200)
    data = {"starts_on": start, "renews_on": start + dt.timedelta(days=365), "committed_mrr": "1000", "notice_days": 30}
    response = post(client, reverse("contract_create", args=[c.pk]), data)
    assert response.status_code == 200 and response["HX-Trigger"] == "revenueChanged"
    contract = Contract.objects.get(client=c)
    bad = post(
        client, reverse("renewal_record", args=[contract.pk]), {"outcome": "renegotiated_up", "decided_on": today()}
    )
    assert bad.status_code == 422 and "Enter the MRR agreed" in body(bad)
    ok = post(client, reverse("renewal_record", args=[contract.pk]),
              {"outcome": "renegotiated_up", "decided_on": today(), "new_mrr": "1250"})  # fmt: skip
    assert ok.status_code == 200
    assert RevenueEvent.objects.filter(client=c, kind="expansion", amount=D("250")).exists()


@pytest.mark.django_db
def test_ams_record_upsells_for_their_own_clients_only_and_not_contracts(client, am, other_am):
    [mine] = book(am, 1)
    [theirs] = book(other_am, 1)
    client.force_login(am)
    data = {
        "title": "Paid social",
        "expected_mrr": "300",
        "stage": "proposed",
        "identified_on": today(),
        "owner": am.pk,
    }
    assert post(client, reverse("opportunity_create", args=[mine.pk]), data).status_code == 200
    assert post(client, reverse("opportunity_create", args=[theirs.pk]), data).status_code == 404
    contract = {"starts_on": today(), "renews_on": today() + dt.timedelta(days=365), "committed_mrr": "1"}
    assert post(client, reverse("contract_create", args=[mine.pk]), contract).status_code == 404
    opportunity = Opportunity.objects.get(client=mine, title="Paid social")
    won = post(client, reverse("opportunity_stage", args=[opportunity.pk]), {"stage": "won", "on": today()})
    assert won.status_code == 200
    assert RevenueEvent.objects.filter(client=mine, kind="expansion", amount=D("300")).exists()


@pytest.mark.django_db
def test_finance_records_revenue_but_has_no_client_workspace(client, finance, am):
    [c] = book(am, 1)
    client.force_login(finance)
    assert client.get("/").status_code == 302  # home is the revenue screen
    assert client.get(reverse("client_contract", args=[c.pk])).status_code == 200
    for url in (reverse("client_detail", args=[c.pk]), reverse("client_workspace", args=[c.pk]),
                reverse("workspace_form", args=[c.pk, "risk"]), reverse("client_history", args=[c.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert c.name not in body(client.get(reverse("client_list")))  # an empty list: no client workspace
    contract = Contract.objects.get(client=c)
    renewed = post(client, reverse("renewal_record", args=[contract.pk]), {"outcome": "renewed", "decided_on": today()})
    assert renewed.status_code == 200
    data = {"kind": "expansion", "amount": "50", "occurred_on": today()}
    assert post(client, reverse("workspace_form", args=[c.pk, "revenue"]), data).status_code == 404


@pytest.mark.django_db
def test_the_read_only_role_sees_the_dashboards_and_writes_nothing(client, viewer, am):
    [c] = book(am, 1)
    client.force_login(viewer)
    for url in ("/", reverse("client_detail", args=[c.pk]), reverse("pod_detail", args=[am.pod_id]),
                reverse("person_detail", args=[am.pk]), reverse("revenue"), reverse("client_list")):  # fmt: skip
        assert client.get(url).status_code == 200, url
    contract = Contract.objects.get(client=c)
    opportunity = Opportunity.objects.get(client=c)
    attempts = [
        (reverse("contract_create", args=[c.pk]), {"starts_on": today(), "renews_on": today(), "committed_mrr": "1"}),
        (reverse("renewal_record", args=[contract.pk]), {"outcome": "renewed", "decided_on": today()}),
        (reverse("opportunity_create", args=[c.pk]), {"title": "x", "expected_mrr": "1", "identified_on": today()}),
        (reverse("opportunity_stage", args=[opportunity.pk]), {"stage": "won", "on": today()}),
        (reverse("workspace_form", args=[c.pk, "risk"]), {"score": 1}),
        (reverse("workspace_form", args=[c.pk, "revenue"]), {"kind": "new", "amount": "1", "occurred_on": today()}),
        (reverse("workspace_form", args=[c.pk, "goal"]), {"title": "x", "week": today()}),
    ]
    for url, data in attempts:
        assert post(client, url, data).status_code == 404, url
    assert client.get(reverse("action_queue")).status_code == 404
    assert (Contract.objects.count(), Opportunity.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_the_pod_and_person_pages_show_their_pipeline(client, pod_lead, am, other_am):
    book(am, 2)
    book(other_am, 1)
    client.force_login(pod_lead)
    pod = body(client.get(reverse("pod_pipeline", args=[am.pod_id]), HTTP_HX_REQUEST="true"))
    assert "open: 200 USD expected MRR" in pod and "<html" not in pod
    person = body(client.get(reverse("person_pipeline", args=[am.pk]), HTTP_HX_REQUEST="true"))
    assert person.count("am-") == 2
    assert client.get(reverse("pod_pipeline", args=[other_am.pod_id])).status_code == 404
    assert client.get(reverse("person_pipeline", args=[other_am.pk])).status_code == 404
    assert 'id="pod-pipeline"' in body(client.get(reverse("pod_detail", args=[am.pod_id])))
