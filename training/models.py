"""People and the pages that are not courses.

The custom ``User`` signs in with an email address and carries the name exactly as it
should appear on a certificate, plus the organisation and job role trainers report on.
Editors find users under Settings > Users in the Wagtail admin.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
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
