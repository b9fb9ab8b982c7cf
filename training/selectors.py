"""Reads about people and organisations, and about the site as a whole."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from django.core.cache import cache
from wagtail.models import Site

from .models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    SupportSettings,
    User,
)

SUPPORT_URL_CACHE_KEY = "training:support-url"
DEFAULT_SUPPORT_PATH = "/getting-support/"


def support_page_url() -> str:
    """Where every page's "Getting support" link points (Settings > Support).

    Cached, so the link costs no query on pages that must stay cheap (the public
    verify page); ``support_url_forget`` clears it when the page or setting changes.
    """
    url = cache.get(SUPPORT_URL_CACHE_KEY)
    if url is None:
        url = DEFAULT_SUPPORT_PATH
        site = Site.objects.filter(is_default_site=True).first()
        chosen = (
            SupportSettings.objects.filter(site=site)
            .select_related("support_page")
            .first()
            if site
            else None
        )
        page = chosen.support_page if chosen else None
        if page is not None and page.live:
            url = page.get_url() or DEFAULT_SUPPORT_PATH
        cache.set(SUPPORT_URL_CACHE_KEY, url, 60 * 60)
    return url


def support_url_forget(**kwargs) -> None:
    cache.delete(SUPPORT_URL_CACHE_KEY)


# --- Organisations ------------------------------------------------------------------


def current_membership(*, user) -> Membership | None:
    """The person's current membership, with its organisation, or None."""
    if not (user and user.is_authenticated):
        return None
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )


def managed_organisation(*, user) -> Organisation | None:
    """The organisation ``user`` manages now (a current membership with the manager
    role), or None. Everything in "My team" is scoped to this one organisation."""
    membership = current_membership(user=user)
    if membership is None or membership.role != MembershipRole.MANAGER:
        return None
    return membership.organisation


def team_members(*, organisation: Organisation):
    """The people currently in ``organisation``, as a queryset of users."""
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__status=MembershipStatus.ACTIVE,
        is_active=True,
    )


def team_managers(*, organisation: Organisation):
    return team_members(organisation=organisation).filter(
        memberships__role=MembershipRole.MANAGER
    )


def pending_requests(*, organisation: Organisation):
    return (
        # An account not yet confirmed from its email is nobody's request yet.
        Membership.objects.filter(
            organisation=organisation,
            status=MembershipStatus.PENDING,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("requested_at", "pk")
    )


_NOISE_WORDS = {"the", "ltd", "limited", "cic", "plc", "llp", "and", "of"}


def organisation_name_key(name: str) -> str:
    """A loose form of a name, equal for near-duplicates: case, accents, punctuation,
    "&" for "and", and words such as "the" and "Ltd" ignored."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower().replace("&", " and "))
    return " ".join(word for word in words if word not in _NOISE_WORDS)


def organisation_near_duplicates() -> list[list[Organisation]]:
    """Groups of two or more organisations whose names differ only loosely."""
    groups: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in Organisation.objects.order_by("name"):
        groups[organisation_name_key(organisation.name)].append(organisation)
    return [group for key, group in sorted(groups.items()) if len(group) > 1]
