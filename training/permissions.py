"""Who may open the managers' "My team" pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from .selectors import managed_organisation


def manager_required(view):
    """Signed in, and a manager of an organisation now. The view gets that
    organisation as ``request.organisation`` and must scope everything to it."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        organisation = managed_organisation(user=request.user)
        if organisation is None:
            return TemplateResponse(
                request, "training/not_a_manager.html", {}, status=403
            )
        request.organisation = organisation
        return view(request, *args, **kwargs)

    return wrapped
