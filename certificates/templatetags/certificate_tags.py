from django import template

from ..selectors import certificates_by_course, linkedin_add_to_profile_url

register = template.Library()


@register.simple_tag(takes_context=True)
def certificate_for(context, course):
    """The signed-in learner's current certificate for ``course``, or None.

    All of the learner's certificates are read in one query, the first time a page
    asks, and kept on the request: the dashboard asks once per course card.
    """
    request = context.get("request")
    if request is None or course is None:
        return None
    by_course = getattr(request, "_certificates_by_course", None)
    if by_course is None:
        by_course = certificates_by_course(user=request.user)
        request._certificates_by_course = by_course
    return by_course.get(course.pk)


@register.simple_tag
def linkedin_add_url(certificate):
    """LinkedIn's "Add to profile" address for one certificate."""
    return linkedin_add_to_profile_url(certificate)
