from django.utils.functional import lazy

from .selectors import support_page_url


def support(request):
    """``support_url`` for the footer and content notes, looked up only if used."""
    return {"support_url": lazy(support_page_url, str)()}
