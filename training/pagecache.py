"""Anonymous public pages served from the shared cache.

The catalogue, course, module and standard pages are the same for every visitor who
is not signed in, and cost a walk of the page tree and a template render each time.
Pages that opt in (``PublicPageCacheMixin``) have their anonymous answers kept in the
cache (Redis in production, shared by every server) for ``PAGE_CACHE_SECONDS``.

Correctness: every entry carries the cache "version" current when it was made, and
publishing, unpublishing, moving, saving or deleting a page, changing who may view
one, saving or deleting an image or a document, saving a site or a site setting, or
running migrations (data migrations write without signals), sets a new version (at
once, and again after commit), so every server stops serving old entries at once. A
request from someone signed in (a session cookie) or with messages waiting is never
served from the cache, nor is any answer that sets a cookie, used a CSRF token or is
not a plain 200, nor any address with a query string (no page reads one, and an
entry per string would let anyone fill the cache).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)
T = TypeVar("T")

VERSION_KEY = "pagecache:version"
HIT_HEADER = "X-Page-Cache"


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def _key(request) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}".encode()
    return "pagecache:page:" + hashlib.sha256(raw).hexdigest()


def is_anonymous_request(request) -> bool:
    """No session, no messages, no credentials: the same page as for anyone."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def page_cache_clear(**kwargs) -> None:
    """Stop serving every cached page and content entry, on every server.

    The version changes at once (so this transaction reads its own changes) and
    again once it commits (so nothing another process built from the data before
    the commit is served after it)."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def content_cache_seconds() -> int:
    """How long routes, course outlines and rendered lesson bodies are kept
    (``CONTENT_CACHE_SECONDS``; 0 turns those caches off)."""
    return int(getattr(settings, "CONTENT_CACHE_SECONDS", 0))


def versioned_get_many(keys: list[str]) -> tuple[str | None, dict]:
    """The current version and those of ``keys`` whose entries were stored under it,
    in one round trip to the cache."""
    version, found, _ = versioned_get_many_with(keys, [])
    return version, found


def versioned_get_many_with(
    keys: list[str], other_keys: list[str]
) -> tuple[str | None, dict, dict]:
    """``versioned_get_many(keys)``, and in the same round trip the values of
    ``other_keys`` as they are (for a later step of the same request)."""
    found = cache.get_many([VERSION_KEY, *keys, *other_keys])
    others = {key: found[key] for key in other_keys if key in found}
    version = found.get(VERSION_KEY)
    if version is None:
        return None, {}, others
    return (
        version,
        {
            key: entry[1]
            for key in keys
            if isinstance(entry := found.get(key), tuple)
            and len(entry) == 2
            and entry[0] == version
        },
        others,
    )


def versioned_set_many(version: str | None, values: dict, timeout: int) -> None:
    """Store ``values`` under ``version``: the one read before they were built, so
    anything that changed since has already replaced it and they are never used."""
    if not values:
        return
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            return  # another process set one first; store next time
    cache.set_many({key: (version, value) for key, value in values.items()}, timeout)


def content_cached(key: str, build: Callable[[], T]) -> T:
    """``build()``'s value, kept under the content version for
    ``CONTENT_CACHE_SECONDS``: from the cache while nothing it may read has
    changed, else built and kept (built every time when those caches are off)."""
    seconds = content_cache_seconds()
    if seconds <= 0:
        return build()
    version, found = versioned_get_many([key])
    if key in found:
        return found[key]
    value = build()
    versioned_set_many(version, {key: value}, seconds)
    return value


class PublicPageCacheMixin:
    """For page types whose anonymous view is the same for everyone: lets the
    middleware keep it. Signed-in visitors are always served fresh."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if not request.user.is_authenticated:
            response.public_page_cache = True
        return response


class PublicPageCacheMiddleware:
    """Answers eligible anonymous GETs from the cache; stores pages that opted in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if (
            seconds <= 0
            or request.method != "GET"
            # No page that opts in reads a query string; keeping one answer per
            # string would let anyone fill the cache (and push out rate limits).
            or request.META.get("QUERY_STRING")
            or not is_anonymous_request(request)
        ):
            return self.get_response(request)
        key = _key(request)
        # One round trip: the current version and this page's entry.
        found = cache.get_many([VERSION_KEY, key])
        version, entry = found.get(VERSION_KEY), found.get(key)
        if entry is not None and version is not None and entry[0] == version:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response[HIT_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(request, response):
            if version is None:
                version = uuid.uuid4().hex
                if not cache.add(VERSION_KEY, version, timeout=None):
                    return response  # another process set it first; store next time
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() != "set-cookie"
            ]
            cache.set(
                key,
                (version, response.status_code, headers, response.content),
                timeout=seconds,
            )
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        return (
            getattr(response, "public_page_cache", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


def _after_migrate(**kwargs) -> None:
    """Migrations change pages without signals (data migrations use ``update()``):
    nothing kept from before them is served after."""
    try:
        page_cache_clear()
    except Exception:  # noqa: BLE001 - a migration must not fail on the cache
        logger.exception(
            "The page and content caches could not be emptied after migrating; "
            "pages kept before may be served for up to CONTENT_CACHE_SECONDS."
        )


def connect_signals() -> None:
    """What empties the page cache (called from TrainingConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_migrate,
        post_save,
    )
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_cache_clear, dispatch_uid=f"pagecache-{signal}")
    post_delete.connect(
        page_cache_clear, sender="wagtailcore.Page", dispatch_uid="pagecache-delete"
    )
    post_save.connect(
        page_cache_clear, sender="wagtailcore.Site", dispatch_uid="pagecache-site"
    )
    post_delete.connect(
        page_cache_clear, sender="wagtailcore.Site", dispatch_uid="pagecache-site-del"
    )
    # Who may view a page: a restriction added later must reach every cached copy.
    # Images and documents: pages show their renditions, titles and links.
    for sender in (
        "wagtailcore.PageViewRestriction",
        "wagtailimages.Image",
        "wagtaildocs.Document",
    ):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                page_cache_clear,
                sender=sender,
                dispatch_uid=f"pagecache-{sender}-{name}",
            )

    m2m_changed.connect(
        page_cache_clear,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="pagecache-restriction-groups",
    )

    def setting_saved(sender, instance=None, **kwargs):
        # A page saved outside publishing (code, imports) changes what is live too.
        if issubclass(sender, BaseSiteSetting) or isinstance(instance, Page):
            page_cache_clear()

    post_save.connect(setting_saved, weak=False, dispatch_uid="pagecache-settings")
    post_migrate.connect(
        _after_migrate,
        sender=apps.get_app_config("training"),
        dispatch_uid="pagecache-migrate",
    )
