"""Give the "Trainers" group what it needs for certificates.

Trainers may view, revoke and reissue certificates (and retry a failed PDF), and set
a course's own signatory. Nobody can add, edit or delete a certificate in the admin;
there is no such permission to grant. The site-wide issuer settings stay with
administrators.
"""

from django.db import migrations

TRAINERS = "Trainers"
GRANTS = {
    "certificate": [
        ("view_certificate", "Can view certificate"),
        ("revoke_certificate", "Can revoke certificates"),
        ("reissue_certificate", "Can reissue certificates and retry their PDFs"),
    ],
    "coursecertificatesettings": [
        ("view_coursecertificatesettings", "Can view course signatory"),
        ("add_coursecertificatesettings", "Can add course signatory"),
        ("change_coursecertificatesettings", "Can change course signatory"),
    ],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    for model, permissions in GRANTS.items():
        content_type, _ = ContentType.objects.get_or_create(
            app_label="certificates", model=model
        )
        for codename, name in permissions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            trainers.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    trainers = Group.objects.filter(name=TRAINERS).first()
    if trainers is None:
        return
    codenames = [codename for perms in GRANTS.values() for codename, _ in perms]
    trainers.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="certificates", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("training", "0003_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
