"""Turn the free-text "organisation" on each account into an Organisation and a
current membership.

Names are grouped with surrounding and repeated spaces removed and case ignored, so
"Northbrook  Recovery" and "northbrook recovery" become one organisation (the most
common spelling wins). Looser near-duplicates ("The Northbrook Recovery Service Ltd")
are left for a trainer to merge under People > Organisations in the admin. The type
is guessed from the name where it says what the service is, and is "Other" otherwise.
"""

import secrets
from collections import Counter, defaultdict

from django.db import migrations
from django.utils import timezone


def _type_for(name: str) -> str:
    lowered = name.lower()
    if "women" in lowered:
        return "womens_support"
    if any(w in lowered for w in ("drug", "alcohol", "substance", "recovery")):
        return "drug_and_alcohol"
    if "domestic abuse" in lowered:
        return "domestic_abuse"
    if "probation" in lowered:
        return "probation"
    return "other"


def forwards(apps, schema_editor):
    User = apps.get_model("training", "User")
    Organisation = apps.get_model("training", "Organisation")
    Membership = apps.get_model("training", "Membership")
    spellings = defaultdict(Counter)
    users_by_key = defaultdict(list)
    for pk, raw in User.objects.exclude(organisation="").values_list(
        "pk", "organisation"
    ):
        name = " ".join(raw.split())
        if not name:
            continue
        spellings[name.casefold()][name] += 1
        users_by_key[name.casefold()].append(pk)
    now = timezone.now()
    for key, counter in spellings.items():
        name = counter.most_common(1)[0][0][:200]
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                name=name,
                type=_type_for(name),
                invite_token=secrets.token_urlsafe(24),
                created_at=now,
            )
        for user_pk in users_by_key[key]:
            Membership.objects.get_or_create(
                user_id=user_pk,
                status="active",
                defaults={
                    "organisation": organisation,
                    "role": "member",
                    "requested_at": now,
                    "started_at": now,
                },
            )
        User.objects.filter(pk__in=users_by_key[key]).update(organisation=name)


def backwards(apps, schema_editor):
    # The free text stays on each account, so there is nothing to restore.
    pass


class Migration(migrations.Migration):
    dependencies = [("training", "0005_organisations_and_memberships")]

    operations = [migrations.RunPython(forwards, backwards)]
