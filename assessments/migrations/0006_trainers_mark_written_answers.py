"""Let the "Trainers" group write written-answer questions and mark answers."""

from django.db import migrations

TRAINERS = "Trainers"


def _permission(apps, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="assessments", model=model
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    for action in ("add", "change", "delete", "view"):
        trainers.permissions.add(
            _permission(
                apps,
                "writtenanswerquestion",
                f"{action}_writtenanswerquestion",
                f"Can {action} written-answer question",
            )
        )
    trainers.permissions.add(
        _permission(apps, "attempt", "mark_attempt", "Can mark written answers")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    trainers = Group.objects.filter(name=TRAINERS).first()
    if trainers is not None:
        trainers.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="assessments",
                codename__in=[
                    "mark_attempt",
                    *(
                        f"{a}_writtenanswerquestion"
                        for a in ("add", "change", "delete", "view")
                    ),
                ],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_written_answers_and_marking")]

    operations = [migrations.RunPython(grant, revoke)]
