"""Where an address leads, remembered in the shared cache.

Wagtail finds the page for an address by walking the tree: a query for the Site,
then a query per level and another for each page's specific type. For a page that
answers a plain GET, this remembers per host and path the Site (with its root paths)
and the page, under the version of ``training.pagecache``, which any change to
pages, view restrictions or sites replaces on every server at once.

The entry holds the page as it was read, under the same version, which saving,
publishing, unpublishing, moving or deleting any page replaces; it is used only
when that page is live and at that address; otherwise Wagtail routes as usual.
Wagtail's own checks (view restrictions, ``before_serve_page`` hooks) run on every
request either way; the list of view restrictions over the page comes with the
entry. Pages whose type answers paths itself (an overridden ``route``) are never
remembered. The same round trip to the cache reads what ``training.learnercache``
will look for (a learner's kept page and its versions), so a lesson served from it
costs one read after the session and the person.
"""

from __future__ import annotations

import functools
import hashlib

from django.apps import apps
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from .learnercache import prefetch_keys, prefetched
from .pagecache import (
    content_cache_seconds,
    versioned_get_many,
    versioned_get_many_with,
    versioned_set_many,
)

SITE_PREFIX = "routecache:site:"
ROUTE_PREFIX = "routecache:route:"


def _host(request) -> tuple[str, int | str]:
    return split_domain_port(request._get_raw_host())[0], request.get_port()


def _digest(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _components(path: str) -> list[str]:
    return [component for component in path.split("/") if component]


def _plain_routes(page) -> bool:
    """Whether the page and every page above it route by slug (Wagtail's own
    ``Page.route``), so its address alone leads to it."""
    content_types = Page.objects.ancestor_of(page, inclusive=True).values_list(
        "content_type__app_label", "content_type__model"
    )
    for app_label, model_name in content_types:
        model = apps.get_model(app_label, model_name)
        if model.route is not Page.route:
            return False
    return True


def _remember_site(request) -> dict:
    site = Site.find_for_request(request)
    if site is None:
        return {}
    return {"site": site, "root_paths": Site.get_site_root_paths()}


def _use_site(request, entry: dict) -> None:
    request._wagtail_site = entry["site"]
    request._wagtail_cached_site_root_paths = entry["root_paths"]


def site_prime(request) -> None:
    """Give ``request`` its Site and root paths from the cache (one round trip)."""
    seconds = content_cache_seconds()
    if seconds <= 0 or hasattr(request, "_wagtail_site"):
        return
    key = SITE_PREFIX + _digest(*_host(request))
    version, found = versioned_get_many([key])
    if key in found:
        _use_site(request, found[key])
        return
    entry = _remember_site(request)
    if entry:
        versioned_set_many(version, {key: entry}, seconds)


def with_cached_site(view):
    """For views that link to pages: the Site comes from the cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        site_prime(request)
        return view(request, *args, **kwargs)

    return wrapped


def route_prime(request, path: str) -> None:
    """Give ``request`` its Site and Wagtail route from the cache when it holds a
    current one for this address; else route as Wagtail does and remember it."""
    seconds = content_cache_seconds()
    if seconds <= 0 or hasattr(request, "_wagtail_route_for_request"):
        return
    key = ROUTE_PREFIX + _digest(*_host(request), path)
    # A learner's kept page is looked up in the same round trip.
    learner_keys = prefetch_keys(request)
    version, found, learner_found = versioned_get_many_with([key], learner_keys)
    prefetched(request, learner_keys, learner_found)
    entry = found.get(key)
    if entry is not None:
        page = entry["page"]
        site = entry["site"]
        url_path = site.root_page.url_path + "".join(
            f"{component}/" for component in _components(path)
        )
        if page.live and page.url_path == url_path:
            _use_site(request, entry)
            restrictions = entry["restrictions"]
            # Wagtail checks them on every request: from the entry, which a change
            # to any restriction replaces (each is still asked about this request).
            page.get_view_restrictions = lambda: restrictions
            request._wagtail_route_for_request = RouteResult(page)
            return
    result = Page.route_for_request(request, path)
    if result is None:
        return
    page, args, kwargs = result
    site = Site.find_for_request(request)
    if args or kwargs or site is None or not _plain_routes(page):
        return
    entry = {
        **_remember_site(request),
        "page": page,
        "restrictions": list(page.get_view_restrictions()),
    }
    versioned_set_many(version, {key: entry}, seconds)


class RouteCacheMiddleware:
    """Primes Wagtail's page serving (GET and HEAD) from ``route_prime``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve and request.method in {"GET", "HEAD"}:
            path = view_args[0] if view_args else view_kwargs.get("path", "")
            route_prime(request, path or "")
        return None
