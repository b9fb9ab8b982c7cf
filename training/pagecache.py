"""Anonymous public pages served from the shared cache.

The catalogue, course, module and standard pages are the same for every visitor who
is not signed in, and cost a walk of the page tree and a template render each time.
Pages that opt in (``PublicPageCacheMixin``) have their anonymous answers kept in the
cache (Redis in production, shared by every server) for ``PAGE_CACHE_SECONDS``.

Correctness: every entry carries the cache "version" current when it was made, and
publishing, unpublishing, moving or deleting a page, or saving a site setting, sets
a new version after commit, so every server stops serving old entries at once. A
request from someone signed in (a session cookie) or with messages waiting is never
served from the cache, nor is any answer that sets a cookie, used a CSRF token or is
not a plain 200.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

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


def page_cache_clear(**kwargs) -> None:
    """Stop serving every cached page, on every server, once this commits."""
    transaction.on_commit(
        lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None), robust=True
    )


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
        if seconds <= 0 or request.method != "GET" or not is_anonymous_request(request):
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


def connect_signals() -> None:
    """What empties the page cache (called from TrainingConfig.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_cache_clear, dispatch_uid=f"pagecache-{signal}")
    post_delete.connect(
        page_cache_clear, sender="wagtailcore.Page", dispatch_uid="pagecache-delete"
    )
    post_save.connect(
        page_cache_clear, sender="wagtailcore.Site", dispatch_uid="pagecache-site"
    )

    def setting_saved(sender, **kwargs):
        if issubclass(sender, BaseSiteSetting):
            page_cache_clear()

    post_save.connect(setting_saved, weak=False, dispatch_uid="pagecache-settings")
