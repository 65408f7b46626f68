"""Admin: modules with role checkboxes, and the CSV import's preview → confirm flow."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from training.models import TrainingModule, TrainingResult
from training.tests.factories import TrainingModuleFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:training_trainingresult_import"
CSV = "username,module,completed,score\nam,Risk assessment,2026-01-10,91\nghost,Risk assessment,2026-01-10,91\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("lms.csv", text.encode(), content_type="text/csv")


def test_the_changelist_links_to_the_import(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("admin:training_trainingresult_changelist")).content.decode()
    assert reverse(IMPORT_URL) in body


def test_the_import_page_shows_one_upload_form(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse(IMPORT_URL)).content.decode()
    assert body.count('id="id_file"') == 1
    assert body.count('enctype="multipart/form-data"') == 1


def test_a_preview_shows_every_row_and_writes_nothing(client, admin_user, am):
    TrainingModuleFactory(title="Risk assessment")
    client.force_login(admin_user)
    response = client.post(reverse(IMPORT_URL), {"file": upload(CSV), "preview": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 new, 0 updated, 0 unchanged, 1 with errors." in body
    assert "No person “ghost”." in body
    assert "Import 1 row" in body
    assert TrainingResult.objects.count() == 0


def test_confirming_imports_the_good_rows_and_keeps_the_bad_ones_on_screen(client, admin_user, am):
    TrainingModuleFactory(title="Risk assessment")
    client.force_login(admin_user)
    response = client.post(reverse(IMPORT_URL), {"content": CSV, "confirm": "1"})
    body = response.content.decode()
    assert "Imported: 1 new, 0 updated, 0 unchanged, 1 rows skipped." in body
    assert "<td>3</td>" in body and "No person “ghost”." in body
    assert TrainingResult.objects.get().score == Decimal("91.00")


def test_a_clean_import_returns_to_the_results_list(client, admin_user, am):
    TrainingModuleFactory(title="Risk assessment")
    client.force_login(admin_user)
    response = client.post(reverse(IMPORT_URL), {"content": CSV.rsplit("ghost", 1)[0], "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:training_trainingresult_changelist")


def test_a_file_that_is_not_text_is_refused_with_a_message(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")})
    assert "not UTF-8" in response.content.decode()


def test_people_without_admin_rights_cannot_import(client, leader, am):
    client.force_login(leader)
    response = client.post(reverse(IMPORT_URL), {"content": CSV, "confirm": "1"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert TrainingResult.objects.count() == 0


def test_a_module_is_saved_with_the_roles_ticked(client, admin_user):
    client.force_login(admin_user)
    data = {
        "title": "Churn signals",
        "category": "Account management",
        "required_roles": ["account_manager", "pod_lead"],
        "passing_score": 80,
        "version": 1,
        "procedure": "## Steps",
        "procedure_url": "",
        "active": "on",
    }
    response = client.post(reverse("admin:training_trainingmodule_add"), data)
    assert response.status_code == 302
    assert TrainingModule.objects.get().required_roles == ["account_manager", "pod_lead"]
