"""Who may download a document from the Documents library.

The rule: a document used in a lesson (chosen in a "Downloadable resource" block or
linked from a lesson's text) is a lesson resource. It is served only to signed-in
people enrolled in a course that contains one of those lessons, and to people who
can use the Wagtail admin (trainers, administrators). Every other document is
public: one used nowhere or only on public pages (the catalogue, a course page,
"Getting support"), and any document in a collection named in
``WAGTAILDOCS_PUBLIC_COLLECTIONS`` (or inside one), even when a lesson uses it,
for handouts that should be shareable. "Used in" is Wagtail's reference index,
which the page editor keeps up to date on every save.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.models import Collection, ReferenceIndex

from .models import CoursePage, Enrolment, LessonPage


def document_is_public_by_collection(document) -> bool:
    names = set(getattr(settings, "WAGTAILDOCS_PUBLIC_COLLECTIONS", []))
    if not names:
        return False
    collection = document.collection
    return (
        collection.name in names
        or Collection.objects.ancestor_of(collection).filter(name__in=names).exists()
    )


def lessons_using_document(document):
    """The lesson pages whose content refers to ``document``."""
    lesson_type = ContentType.objects.get_for_model(LessonPage)
    ids = (
        ReferenceIndex.get_references_to(document)
        .filter(content_type=lesson_type)
        .values_list("object_id", flat=True)
    )
    return LessonPage.objects.filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])


def document_is_lesson_resource(document) -> bool:
    return (
        not document_is_public_by_collection(document)
        and lessons_using_document(document).exists()
    )


def user_may_download_document(*, user, document) -> bool:
    """True if ``user`` may have ``document`` (see the module docstring)."""
    if not document_is_lesson_resource(document):
        return True
    if not user.is_authenticated:
        return False
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    # The courses above those lessons: pages whose path starts each lesson's path.
    paths = Q()
    for path in lessons_using_document(document).values_list("path", flat=True):
        paths |= Q(path__in=[path[:end] for end in range(4, len(path), 4)])
    if not paths:
        return False
    return Enrolment.objects.filter(
        user=user, course__in=CoursePage.objects.filter(paths)
    ).exists()


def guard_document(document, request):
    """Wagtail's ``before_serve_document`` hook: sign in, or 403, for lesson
    resources the visitor may not have."""
    if user_may_download_document(user=request.user, document=document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("This document is for learners on the course.")
