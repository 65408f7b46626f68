"""The admin's CSV import of revenue events and contracts: a semicolon-separated spreadsheet
export with a BOM and day-first dates, a preview that saves nothing, line-numbered errors, and
reruns that change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from clients import imports
from clients.models import Client, Contract, RevenueEvent
from clients.tests.factories import ClientFactory
from core.weeks import today

D = Decimal


def dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def shop(am) -> Client:
    return ClientFactory(account_manager=am, name="Café Lumière", mrr=D("0"))


def events_file(shop: Client) -> str:
    """A year of a client's revenue as a French spreadsheet writes it: BOM, ';', day first, 1 234,50."""
    start = today() - dt.timedelta(days=360)
    return (
        "\ufeffClient;Type;Montant;Date;Note\n"
        f"café lumière;new;1 200,00;{dmy(start)};Retainer\n"
        f"Café Lumière;expansion;300,50;{dmy(start + dt.timedelta(days=100))};Paid social\n"
        f"Nobody Ltd;new;100;{dmy(start)};\n"
        f"Café Lumière;contraction;abc;{dmy(start)};\n"
        f"Café Lumière;expansion;50;{(today() + dt.timedelta(days=3)).isoformat()};\n"
        "Café Lumière;expansion;50;31/02/2026;\n"
        f"Café Lumière;churn;;{dmy(today())};\n"
    )


@pytest.mark.django_db
def test_the_preview_reads_semicolons_a_bom_and_day_first_dates_and_saves_nothing(shop):
    report = imports.revenue_events_preview(text=events_file(shop))
    assert report.separator == ";"
    assert report.counts == {"create": 2, "error": 5}
    first, second = report.rows[0], report.rows[1]
    assert (first.client, first.values["amount_value"], first.values["day"]) == (
        shop, D("1200.00"), today() - dt.timedelta(days=360)
    )  # fmt: skip
    assert second.values["amount_value"] == D("300.50")
    errors = {row.line: " ".join(row.errors) for row in report.bad_rows}
    assert "No client is called “Nobody Ltd”" in errors[4]
    assert "not a number" in errors[5]
    assert "in the future" in errors[6]
    assert "not a date like 2026-03-31 or 31/03/2026" in errors[7]
    assert "churn reason" in errors[8]
    assert RevenueEvent.objects.count() == 0


@pytest.mark.django_db
def test_importing_writes_the_good_rows_in_date_order_and_a_rerun_changes_nothing(shop, leader):
    report = imports.revenue_events_import(text=events_file(shop), by=leader)
    assert report.counts["create"] == 2
    shop.refresh_from_db()
    assert shop.mrr == D("1500.50")
    assert list(RevenueEvent.objects.order_by("occurred_on").values_list("kind", "amount")) == [
        ("new", D("1200.00")),
        ("expansion", D("300.50")),
    ]
    again = imports.revenue_events_import(text=events_file(shop), by=leader)
    assert (again.counts["create"], again.counts["unchanged"]) == (0, 2)
    assert RevenueEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_comma_file_with_iso_dates_and_a_churn_with_its_reason(shop, leader):
    text = (
        "client_id,kind,amount,date,churn_reason\n"
        f"{shop.pk},new,1000.00,{(today() - dt.timedelta(days=50)).isoformat()},\n"
        f"{shop.pk},churn,,{today().isoformat()},Went to a competitor\n"
        f"{shop.pk},new,1000.00,{(today() - dt.timedelta(days=50)).isoformat()},\n"
    )
    report = imports.revenue_events_import(text=text, by=leader)
    assert report.separator == ","
    assert report.counts["create"] == 2
    assert "Same client, kind, date and amount as line 2" in report.bad_rows[0].errors[0]
    shop.refresh_from_db()
    assert (shop.lifecycle_stage, shop.churn_reason) == ("churned", "competitor")


@pytest.mark.django_db
def test_contracts_import_creates_updates_open_ones_and_refuses_decided_ones(shop, leader):
    start = today() - dt.timedelta(days=100)
    text = (
        "client;start;renewal_date;committed_mrr;notice_days;auto_renew\n"
        f"Café Lumière;{dmy(start)};{dmy(start + dt.timedelta(days=365))};1 500,00;60;oui\n"
        f"Café Lumière;{dmy(start)};{dmy(start + dt.timedelta(days=30))};1;30;no\n"
    )
    report = imports.contracts_import(text=text, by=leader)
    assert report.counts == {"create": 1, "error": 1}
    assert "Same client and start as line 2" in report.bad_rows[0].errors[0]
    contract = Contract.objects.get(client=shop)
    assert (contract.committed_mrr, contract.notice_days, contract.auto_renew) == (D("1500.00"), 60, True)
    changed = text.replace("1 500,00;60", "1 800,00;60")
    assert imports.contracts_import(text=changed, by=leader).counts["update"] == 1
    contract.refresh_from_db()
    assert contract.committed_mrr == D("1800.00")
    assert imports.contracts_import(text=changed, by=leader).counts["unchanged"] == 1
    Contract.objects.filter(pk=contract.pk).update(outcome="renewed", outcome_on=today())
    refused = imports.contracts_preview(text=text)
    assert "already recorded" in " ".join(refused.rows[0].errors)


@pytest.mark.django_db
def test_dates_and_amounts_as_spreadsheets_write_them():
    assert imports.parse_date("2026-03-31") == dt.date(2026, 3, 31)
    assert imports.parse_date("2026-03-31T10:00:00") == dt.date(2026, 3, 31)
    assert imports.parse_date("31.03.2026") == dt.date(2026, 3, 31)
    assert imports.parse_date("1-3-2026") == dt.date(2026, 3, 1)  # day first, always
    assert imports.parse_date("03/31/2026") is None  # month first is refused, not guessed
    assert imports.parse_amount("1 234,50") == D("1234.50")
    assert imports.parse_amount("1,234.50") == D("1234.50")
    assert imports.parse_amount("1.234,50") == D("1234.50")
    assert imports.parse_amount("-5") is None
    assert imports.parse_amount("1.005") is None


@pytest.mark.django_db
def test_the_admin_import_previews_then_imports_on_confirm(client, admin_user, shop):
    client.force_login(admin_user)
    url = reverse("admin:clients_revenueevent_import")
    assert "day first (31/03/2026" in client.get(url).content.decode()
    upload = SimpleUploadedFile("revenue.csv", events_file(shop).encode("utf-8"), content_type="text/csv")
    preview = client.post(url, {"file": upload, "preview": "1"})
    assert "Import 2 rows" in preview.content.decode() and RevenueEvent.objects.count() == 0
    done = client.post(url, {"content": preview.context["content"], "confirm": "1"})
    assert done.status_code == 200 and "Import report" in done.content.decode()  # bad rows stay on screen
    assert RevenueEvent.objects.count() == 2
    bad = client.post(url, {"file": SimpleUploadedFile("x.csv", "é".encode("latin-1")), "preview": "1"})
    assert "not UTF-8" in bad.content.decode()


@pytest.mark.django_db
def test_finance_staff_may_import_but_other_staff_may_not(client, shop):
    finance = UserFactory(username="fin", role=Role.FINANCE, is_staff=True)
    client.force_login(finance)
    assert client.get(reverse("admin:clients_contract_import")).status_code == 200
    viewer = UserFactory(username="adv", role=Role.VIEWER, is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse("admin:clients_contract_import")).status_code == 403
