"""The Communications group: may draft and approve status-page text and set component statuses.

Permissions are normally created after all migrations have run; this migration creates the
three it needs itself (the later post-migrate step finds them and adds nothing), so the group
is complete on a fresh database as well as on an existing one.
"""

from django.db import migrations

GROUP = "Communications"
PERMISSIONS = [
    ("statuspage", "publicincident", "draft_update", "Can draft status page text"),
    (
        "statuspage",
        "publicincident",
        "approve_update",
        "Can approve status page text for publication",
    ),
    ("catalog", "component", "change_component", "Can change component"),
]


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statuspage", "0001_initial"),
        ("catalog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
