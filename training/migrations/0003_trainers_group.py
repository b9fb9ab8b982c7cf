"""Create the "Trainers" group: authors of courses, lessons and documents.

Trainers may add, edit, publish and lock pages and manage documents and images; they
are given nothing over users, groups or site settings. Other apps add their own
permissions to this group in their migrations.
"""

from django.db import migrations

TRAINERS = "Trainers"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
}


def create_trainers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )

    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    admin_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailadmin", model="admin"
    )
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_ct,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    trainers.permissions.add(access_admin)

    root = Page.objects.filter(depth=1).first()
    page_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    for codename in PAGE_PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_ct,
            codename=codename,
            defaults={"name": f"Can {codename.replace('_', ' ')}"},
        )
        if root is not None:
            GroupPagePermission.objects.get_or_create(
                group=trainers, page=root, permission=permission
            )

    collection = Collection.objects.filter(depth=1).first()
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        model = codenames[0].split("_", 1)[1]
        ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=ct,
                codename=codename,
                defaults={"name": f"Can {codename.replace('_', ' ')}"},
            )
            if collection is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=trainers, collection=collection, permission=permission
                )


def remove_trainers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TRAINERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_standardpage_supportsettings"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create_trainers, remove_trainers)]
