"""Wagtail's own reports, with their CSV exports defused.

Site history, Aging pages, Locked pages and the workflow reports export page
titles and people's names exactly as typed, so a title such as
``=HYPERLINK("http://...")`` ran as a formula when a trainer opened the CSV in a
spreadsheet. These subclasses are served at Wagtail's own addresses (see urls.py);
XLSX exports were already safe (Wagtail writes every cell as text).
"""

from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

from .spreadsheets import spreadsheet_safe


class SafeCSVMixin:
    """Every CSV cell a spreadsheet would read as a formula is quoted as text."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return spreadsheet_safe(value)
        return value


class SafeLogEntriesView(SafeCSVMixin, LogEntriesView):
    pass


class SafeAgingPagesView(SafeCSVMixin, AgingPagesView):
    pass


class SafeLockedPagesView(SafeCSVMixin, LockedPagesView):
    pass


class SafeWorkflowView(SafeCSVMixin, WorkflowView):
    pass


class SafeWorkflowTasksView(SafeCSVMixin, WorkflowTasksView):
    pass


# (address under /admin/reports/, view): the exporting reports Wagtail registers.
REPORTS = [
    ("site-history/", SafeLogEntriesView),
    ("aging-pages/", SafeAgingPagesView),
    ("locked/", SafeLockedPagesView),
    ("workflow/", SafeWorkflowView),
    ("workflow_tasks/", SafeWorkflowTasksView),
]
