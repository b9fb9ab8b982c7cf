"""Reads about the site as a whole."""

from django.core.cache import cache
from wagtail.models import Site

from .models import SupportSettings

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
