"""Forms an administrator or trainer fills in on a certificate's admin actions."""

from django import forms

from training.forms import clean_person_name

from .services import REASON_MAX_LENGTH


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded in the certificate's history with your name and the time.",
    )
    reason_public = forms.BooleanField(
        label="Show this reason on the public verify page",
        required=False,
        help_text="Leave unticked to show only that it was revoked, and when.",
    )


class ReissueForm(forms.Form):
    holder_name = forms.CharField(
        label="Name to print",
        max_length=150,
        help_text="The learner's current name is filled in. The new certificate gets "
        "a new code; the old one will show as replaced.",
    )

    def clean_holder_name(self):
        # The same rule as the learner's own profile: a name that cannot print (or
        # reads differently on screen) is refused here, not by a failed render.
        return clean_person_name(self.cleaned_data["holder_name"])
