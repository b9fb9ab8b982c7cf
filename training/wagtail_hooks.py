"""Admin registration for people: Organisations > Organisations and Memberships.
Users are Wagtail's own screens with this platform's fields (``UsersAppConfig``)."""

from wagtail.snippets.models import register_snippet

from .viewsets import OrganisationsGroup

register_snippet(OrganisationsGroup)
