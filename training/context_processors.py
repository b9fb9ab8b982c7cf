from django.utils.functional import lazy

from .selectors import support_page_url


def support(request):
    """``support_url`` for the footer and content notes, looked up only if used."""
    return {"support_url": lazy(support_page_url, str)()}


def team(request):
    """``managed_organisation``: the organisation the signed-in person manages (for
    the "My team" link), looked up only if a template uses it."""
    from django.utils.functional import SimpleLazyObject

    from .selectors import managed_organisation

    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"managed_organisation": None}
    if hasattr(user, "membership_role_known"):
        # Read with the person (training.auth): only managers look further.
        from .models import MembershipRole

        if user.membership_role_known != MembershipRole.MANAGER:
            return {"managed_organisation": False}
    return {
        "managed_organisation": SimpleLazyObject(
            lambda: managed_organisation(user=user) or False
        )
    }
