"""Forms for courses on the site: a manager assigning a course to their staff."""

from django import forms
from django.utils import timezone

from .models import CoursePage


class AssignmentForm(forms.Form):
    """Assign one course, to chosen people or to everyone in the organisation."""

    course = forms.ModelChoiceField(
        label="Course",
        queryset=CoursePage.objects.order_by("title"),
        empty_label="Choose a course",
        error_messages={
            "required": "Choose the course to assign.",
            "invalid_choice": "That course does not exist. Choose one from the list.",
        },
    )
    due_on = forms.DateField(
        label="Due date",
        help_text="For example 31/3/2027. Reminders go out a week before and when "
        "it is overdue.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"],
        error_messages={
            "required": "Enter the date by which the course should be complete.",
            "invalid": "Enter the due date as a real date, for example 31/3/2027.",
        },
    )
    everyone = forms.BooleanField(
        label="Everyone in the organisation",
        required=False,
        help_text="Including people who join later? No: only the people here now.",
    )
    people = forms.ModelMultipleChoiceField(
        label="People",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose people from your organisation only.",
            "invalid_pk_value": "Choose people from your organisation only.",
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = members.order_by("full_name", "pk")
        # Only published courses are offered; a draft sent anyway gets the
        # service's clear refusal.
        self.fields["course"].widget.choices = [("", "Choose a course")] + [
            (course.pk, course.title)
            for course in CoursePage.objects.live().order_by("title")
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not cleaned.get("everyone")
            and not cleaned.get("people")
        ):
            self.add_error(
                "people", "Choose at least one person, or everyone in the organisation."
            )
        return cleaned

    def chosen_people(self):
        if self.cleaned_data.get("everyone"):
            return list(self.fields["people"].queryset)
        return list(self.cleaned_data["people"])

    @staticmethod
    def today():
        return timezone.localdate()
