"""Let the Trainers group see learner progress reports (view enrolments and
completions)."""

from django.db import migrations

CODENAMES = ["view_enrolment", "view_lessoncompletion", "view_coursecompletion"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    trainers, _ = Group.objects.get_or_create(name="Trainers")
    for codename in CODENAMES:
        model = codename.removeprefix("view_")
        content_type, _ = ContentType.objects.get_or_create(
            app_label="courses", model=model
        )
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can view {model}"},
        )
        trainers.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Trainers"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="courses", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("training", "0003_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
