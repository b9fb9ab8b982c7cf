"""Sign in with an email address, whatever its letter case."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Exists, OuterRef, Q, Subquery

ADMIN_ACCESS = "wagtailadmin.access_admin"


class EmailBackend(ModelBackend):
    """Django's model backend, matching the email address case-insensitively, and
    reading a person's permissions (their own and their groups') in one query.

    The signed-in person is read with two answers every page needs: whether they
    may use the Wagtail admin (the "Admin" link, the user bar, editors' access to
    lessons) and the role of their current membership (the "My team" link), so
    learners' pages ask nothing more about either. Both come from the same query
    as the person, so they are as current as the person is. The person read is
    kept in the shared cache until anything about them changes
    (``training.learnercache.person``), so most requests ask the database nothing.
    """

    def get_user(self, user_id):
        from .learnercache import person

        user = person(user_id, lambda: self._load_user(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    def _load_user(self, user_id):
        from .models import Membership, MembershipStatus

        user_model = get_user_model()
        admin_access = Permission.objects.filter(
            codename=ADMIN_ACCESS.split(".")[1],
            content_type__app_label=ADMIN_ACCESS.split(".")[0],
        ).filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
        membership = Membership.objects.filter(
            user=OuterRef("pk"), status=MembershipStatus.ACTIVE
        )
        try:
            user = user_model._default_manager.annotate(
                admin_access_known=Exists(admin_access),
                membership_role_known=Subquery(membership.values("role")[:1]),
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user

    def has_perm(self, user_obj, perm, obj=None):
        if (
            perm == ADMIN_ACCESS
            and obj is None
            and hasattr(user_obj, "admin_access_known")
            and not hasattr(user_obj, "_perm_cache")
        ):
            return user_obj.is_active and user_obj.admin_access_known
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                permissions = Permission.objects.values_list(*names).order_by()
            else:
                own = Permission.objects.filter(user=user_obj)
                of_groups = Permission.objects.filter(group__user=user_obj)
                permissions = (
                    own.values_list(*names)
                    .order_by()
                    .union(of_groups.values_list(*names).order_by())
                )
            user_obj._perm_cache = {
                f"{app_label}.{codename}" for app_label, codename in permissions
            }
        return user_obj._perm_cache

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get(get_user_model().USERNAME_FIELD)
        if not email or password is None:
            return None
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(email__iexact=email.strip())
        except user_model.DoesNotExist:
            # Hash anyway, so a missing account takes as long as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def login_username(request, credentials) -> str:
    """The account a sign-in attempt is counted against, for login throttling:
    the email address as typed on either sign-in form, in lower case and trimmed,
    so "Ann@Example.org " and "ann@example.org" share one count."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()[:254]


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the "confirm your email" link sent at sign-up.

    They change when the account is activated or its password changes, so a link
    works once, and only for the latest sign-up with that address.
    """

    key_salt = "training.auth.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


account_activation_token = AccountActivationTokenGenerator()


def login_client_address(request) -> str | None:
    """The client address sign-in attempts are counted against: the same address
    as the verify rate limit (``training.client_address``: proxies
    trusted as configured, IPv6 by /64), as the plain IP the database stores."""
    from .client_address import client_address

    address = client_address(request)
    if address == "unknown":
        return None
    return address.split("/", 1)[0]  # an IPv6 /64 is stored as its first address
