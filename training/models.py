"""People and the pages that are not courses.

The custom ``User`` signs in with an email address and carries the name exactly as it
should appear on a certificate, plus the organisation and job role trainers report on.
Editors find users under Settings > Users in the Wagtail admin.
"""

import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LessonStreamBlock
from .pagecache import PublicPageCacheMixin


class UserManager(BaseUserManager):
    """Creates users keyed by a normalised email address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class JobRole(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    GROUP_FACILITATOR = "group_facilitator", "Group facilitator"
    WOMENS_SUPPORT_WORKER = "womens_support_worker", "Women's support worker"
    MANAGER = "manager", "Manager or supervisor"
    OTHER = "other", "Other"


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: a learner, a trainer or an administrator.

    ``full_name`` is printed on certificates exactly as typed, so it is one free-text
    field rather than a first/last split that suits only some naming traditions.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        "full name",
        max_length=150,
        help_text="Your name as it should appear on your certificates.",
    )
    # The name of the learner's current organisation, kept by the membership
    # services (``training.services``) so reports and exports can show and filter it
    # without a join; ``Membership`` is the record that counts.
    organisation = models.CharField(max_length=200, blank=True)
    job_role = models.CharField(
        max_length=32, choices=JobRole.choices, default=JobRole.OTHER
    )
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Designates whether the user can sign in to the admin.",
    )
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["organisation"])]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class StandardPage(PublicPageCacheMixin, Page):
    """A plain content page such as "Getting support" or "About this training".

    Editors add these under the home page in Pages. The body uses the same blocks as a
    lesson, so support signposts and accordions look the same everywhere.
    """

    intro = models.TextField(blank=True)
    body = StreamField(LessonStreamBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["courses.CourseIndexPage", "training.StandardPage"]
    subpage_types = ["training.StandardPage"]


@register_setting(icon="help")
class SupportSettings(BaseSiteSetting):
    """Where the "Getting support" link in every page footer points.

    Found in Settings > Support in the Wagtail admin.
    """

    support_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page linked as 'Getting support' in every page footer.",
    )

    panels = [FieldPanel("support_page")]

    class Meta:
        verbose_name = "support"


# --- Organisations and memberships ----------------------------------------------------


class OrganisationType(models.TextChoices):
    DRUG_AND_ALCOHOL = "drug_and_alcohol", "Drug and alcohol service"
    WOMENS_SUPPORT = "womens_support", "Women's support service"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    PROBATION = "probation", "Probation or criminal justice"
    HEALTH = "health", "Health service"
    TRAINING = "training", "Training provider"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


def invite_token_new() -> str:
    return secrets.token_urlsafe(24)


class Organisation(models.Model):
    """An employer whose staff take the training: a drug and alcohol service, a
    women's support service and so on.

    Trainers and administrators find organisations under People > Organisations in
    the Wagtail admin, where near-duplicates can be merged. ``invite_token`` makes the
    organisation's invite link; a manager can replace it to stop an old link working.
    """

    name = models.CharField(max_length=200)
    type = models.CharField(
        max_length=32, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    invite_token = models.CharField(
        max_length=64, unique=True, default=invite_token_new, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_organisation_name_ci")
        ]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member of staff"
    MANAGER = "manager", "Manager"


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    ACTIVE = "active", "Current"
    ENDED = "ended", "Left"
    DECLINED = "declined", "Declined"


class Membership(models.Model):
    """A person's time at an organisation. Ended memberships are kept as history.

    A person has at most one current (active) membership and at most one pending
    request at a time. A manager is a current member with the manager role: they see
    the organisation's "My team" area on the site, never the Wagtail admin.
    Written only through ``training.services``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
        db_index=True,
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    # Learner records, not content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="one_current_membership_per_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="one_pending_membership_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.organisation} ({self.get_status_display()})"

    @property
    def is_manager(self) -> bool:
        return (
            self.status == MembershipStatus.ACTIVE
            and self.role == MembershipRole.MANAGER
        )


class Invitation(models.Model):
    """An email inviting someone to join an organisation, from its manager (one at a
    time or from a CSV file). One per organisation and email address, so uploading
    the same file again invites nobody twice. Accepted at /join/invitation/<token>/.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    job_role = models.CharField(
        max_length=32, choices=JobRole.choices, default=JobRole.OTHER
    )
    token = models.CharField(max_length=64, unique=True, default=invite_token_new)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="one_invitation_per_email"
            )
        ]

    def __str__(self):
        return f"{self.email} to {self.organisation}"
