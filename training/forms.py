"""Forms for accounts: sign-up and profile on the site, user forms in the admin."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils.module_loading import import_string
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import Membership, MembershipStatus, Organisation, User
from .sanitiser import invisible_character, plain_text


def name_validators() -> list:
    """Checks a later stage adds on names (certificates: can it be printed?),
    named in the PERSON_NAME_VALIDATORS setting, like Django's password validators,
    so this app does not import the apps that read it."""
    return [
        import_string(path) for path in getattr(settings, "PERSON_NAME_VALIDATORS", [])
    ]


def clean_person_name(value: str) -> str:
    """A name as a person or an admin typed it, checked for printing on certificates.

    Every form that sets a name to print (profile, sign-up, the admin's user forms,
    reissuing a certificate under a new name) calls this, so one rule holds: spaces
    tidied, not only markup, no invisible characters, and whatever the
    PERSON_NAME_VALIDATORS refuse.
    """
    name = " ".join((value or "").split())
    if not name:
        raise forms.ValidationError("Enter your full name.")
    if not " ".join(plain_text(name).split()):
        raise forms.ValidationError(
            "Type your name in letters: it cannot be only markup such as <b>."
        )
    if (char := invisible_character(name)) is not None:
        raise forms.ValidationError(
            f"Names cannot contain invisible characters such as U+{ord(char):04X} "
            "(direction marks, zero-width spaces): they make a name read "
            "differently on screen and on paper. Please type it without them."
        )
    for validator in name_validators():
        validator(name)
    return name


PROFILE_FIELDS = ["full_name", "email", "job_role"]


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for an email address."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "That email address and password do not match an account. "
        "Check them and try again.",
        "inactive": "This account is not active.",
    }


class ProfileForm(forms.ModelForm):
    """The details a learner can change: their name as printed, email, work."""

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "full_name": "Exactly as it should appear on your certificates.",
        }

    def clean_full_name(self):
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Sign in, or reset your password if you have forgotten it."
            )
        return email


class SignupForm(ProfileForm):
    """Create a learner account, optionally asking to join an organisation.

    Unlike the profile, it never says whether an email address already has an
    account: that is answered by email, to the address's holder (see
    ``services.signup_request``).
    """

    join_organisation = forms.ModelChoiceField(
        label="Organisation",
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label="Not listed, or none",
        help_text="The service you work for. Its manager approves your request "
        "before they see your training. You can also join later from an invite link.",
        error_messages={
            "invalid_choice": "Choose your organisation from the list, or none."
        },
    )

    field_order = [
        "full_name",
        "email",
        "join_organisation",
        "job_role",
        "password1",
        "password2",
    ]

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password1")
        if password and not self.has_error("password2"):
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
            # Here rather than in the view, so the sign-up view stays one form save.
            organisation = self.cleaned_data.get("join_organisation")
            if organisation is not None:
                from .services import membership_request

                membership_request(user=user, organisation=organisation)
        return user

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def validate_unique(self):
        """The email is unique, but a clash is handled by email, not by the form."""


class _AdminUserFields(forms.ModelForm):
    """Our fields in place of Wagtail's first and last name."""

    first_name = None
    last_name = None
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As printed on certificates.",
    )
    current_organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Not with an organisation",
        help_text=(
            "Where this person works now. Choosing another organisation ends their "
            "time at the old one and starts it at the new one; choosing “Not with "
            "an organisation” ends it. Their courses and certificates stay theirs, "
            "and the old organisation's managers no longer see what they do next. "
            "Earlier organisations are listed under Organisations > Memberships, "
            "where you can also make someone a manager."
        ),
    )
    job_role = forms.ChoiceField(
        label="Job role", choices=User._meta.get_field("job_role").choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "is_active" in self.fields:
            self.fields["is_active"].help_text = (
                "Untick to stop this person signing in. Their courses, "
                "certificates and history are kept."
            )
        if self.instance.pk and "current_organisation" not in self.initial:
            current = (
                Membership.objects.filter(
                    user=self.instance, status=MembershipStatus.ACTIVE
                )
                .values_list("organisation_id", flat=True)
                .first()
            )
            self.initial["current_organisation"] = current

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        from .services import membership_change

        with transaction.atomic():
            user = super().save(commit=True)
            membership_change(
                user=user, organisation=self.cleaned_data.get("current_organisation")
            )
        return user

    def clean_full_name(self):
        return clean_person_name(self.cleaned_data["full_name"])


class WagtailUserCreationForm(_AdminUserFields, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = {
            "email",
            "full_name",
            "job_role",
            "is_superuser",
            "groups",
        }


class WagtailUserEditForm(_AdminUserFields, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = {
            "email",
            "full_name",
            "job_role",
            "is_active",
            "is_superuser",
            "groups",
        }
