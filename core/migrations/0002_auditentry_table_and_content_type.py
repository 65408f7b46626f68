# The audit trail's table, index and content type take core's names; rows, permissions and admin
# log entries follow (the content type is renamed, not recreated).

from django.db import migrations


def move_content_type(apps, schema_editor) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="core", model="auditentry").exists():
        content_types.objects.filter(app_label="godview", model="auditentry").update(app_label="core")


def restore_content_type(apps, schema_editor) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="core", model="auditentry").update(app_label="godview")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("godview", "0002_auditentry_moves_to_core"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="auditentry",
            new_name="core_audite_model_1fc966_idx",
            old_name="godview_aud_model_fd4f0c_idx",
        ),
        migrations.AlterModelTable(name="auditentry", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
