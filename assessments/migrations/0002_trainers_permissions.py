"""Let the "Trainers" group manage the question bank (questions of every type,
scenarios, categories) and view quiz attempts."""

from django.db import migrations

TRAINERS = "Trainers"
MANAGED = [
    "question",
    "singlechoicequestion",
    "multipleresponsequestion",
    "truefalsequestion",
    "orderingquestion",
    "matchingquestion",
    "scenario",
    "questioncategory",
]
VIEW_ONLY = ["attempt"]


def _permission(apps, model, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="assessments", model=model
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model}",
        defaults={"name": f"Can {action} {model}"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    for model in MANAGED:
        for action in ("add", "change", "delete", "view"):
            trainers.permissions.add(_permission(apps, model, action))
    for model in VIEW_ONLY:
        trainers.permissions.add(_permission(apps, model, "view"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    trainers = Group.objects.filter(name=TRAINERS).first()
    if trainers is not None:
        trainers.permissions.remove(
            *Permission.objects.filter(content_type__app_label="assessments")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("training", "0003_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
