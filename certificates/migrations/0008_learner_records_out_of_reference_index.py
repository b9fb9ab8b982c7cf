"""Certificates and memberships are learner records, no longer in Wagtail's
reference index (``wagtail_reference_index_ignore``): drop the rows recorded for
them before."""

from django.db import migrations

MODELS = (("certificates", "certificate"), ("training", "membership"))


def forget(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    types = [
        content_type.pk
        for app_label, model in MODELS
        for content_type in ContentType.objects.filter(
            app_label=app_label, model=model
        )
    ]
    ReferenceIndex.objects.filter(base_content_type_id__in=types).delete()
    ReferenceIndex.objects.filter(content_type_id__in=types).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_recertification_reminders"),
        ("training", "0008_invitations"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
