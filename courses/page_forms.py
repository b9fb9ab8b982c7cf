"""Admin forms for the catalogue pages (kept apart from ``forms``, which imports the
models, so a page model can name its ``base_form_class``)."""

from decimal import Decimal

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm


class CoursePageForm(WagtailAdminPageForm):
    def clean_hours(self):
        """The length is printed on certificates as CPD hours: never below zero."""
        hours = self.cleaned_data.get("hours")
        if hours is not None and hours < Decimal(0):
            raise forms.ValidationError(
                "The length cannot be negative: it is printed on certificates as "
                "CPD hours."
            )
        return hours
