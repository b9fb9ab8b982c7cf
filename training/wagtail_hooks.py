"""Admin registration for people: Organisations > Organisations and Memberships
(users are Wagtail's own screens with this platform's fields, ``UsersAppConfig``);
and admin-wide choices about what trainers see."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import OrganisationsGroup

register_snippet(OrganisationsGroup)

#: Wagtail's own reports that trainers do not need; administrators keep them.
GENERIC_REPORTS = {
    "locked-pages",
    "workflows",
    "workflow-tasks",
    "site-history",
    "aging-pages",
    "page-types-usage",
}


@hooks.register("construct_reports_menu")
def hide_generic_reports_from_trainers(request, menu_items):
    """Reports > shows trainers the project's reports (course progress, quiz
    statistics, certificates), not Wagtail's site-maintenance ones."""
    if request.user.is_superuser:
        return
    menu_items[:] = [item for item in menu_items if item.name not in GENERIC_REPORTS]


@hooks.register("insert_global_admin_css")
def admin_css():
    """The few styles the report and marking screens share (static/css/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
