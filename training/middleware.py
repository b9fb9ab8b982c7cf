"""Response headers every page carries."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import DatabaseError
from wagtail.contrib.redirects.middleware import (
    RedirectMiddleware as WagtailRedirectMiddleware,
)


class RedirectMiddleware(WagtailRedirectMiddleware):
    """Wagtail's redirects, looked up for 404s; when the database cannot be
    reached the 404 goes out as it is (a JSON 404 stays JSON) instead of a 500."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except DatabaseError:
            return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the Wagtail admin's additions
    (``CSP_ADMIN_EXTRA``) under ``CSP_ADMIN_PATH`` only; every other page gets the
    strict policy of ``CONTENT_SECURITY_POLICY`` as it is."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(settings.CSP_ADMIN_PATH):
            update = {key: list(value) for key, value in (parts.update or {}).items()}
            for directive, sources in settings.CSP_ADMIN_EXTRA.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy``: no page of the platform needs the camera, the
    microphone, location, payment or USB, so no page (nor anything it embeds) gets
    them. Embedded videos keep fullscreen and picture-in-picture."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class OversizedInputMiddleware:
    """A number in the address too large for the database (SQLite refuses integers
    past 64 bits with OverflowError, wherever a filter or id meets a query) is the
    client's mistake: a 400 page, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            from django.views.defaults import bad_request

            return bad_request(request, exception)
        return None
