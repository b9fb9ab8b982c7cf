"""Let the Trainers group manage organisations and memberships (and so grant the
manager role) in the admin."""

from django.db import migrations

CODENAMES = {
    "organisation": ["add", "change", "delete", "view"],
    "membership": ["add", "change", "delete", "view"],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, actions in CODENAMES.items():
        content_type, _ = ContentType.objects.get_or_create(
            app_label="training", model=model
        )
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            yield permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    trainers, _ = Group.objects.get_or_create(name="Trainers")
    trainers.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Trainers"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0006_organisations_from_free_text"),
        ("training", "0003_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
