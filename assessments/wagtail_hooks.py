"""Admin registration for assessments: the viewsets defined in ``viewsets.py``."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import (
    MarkingViewSet,
    QuestionBankGroup,
    QuizStatisticsViewSet,
    question_type_viewsets,
)

register_snippet(QuestionBankGroup)
for _viewset in question_type_viewsets():
    register_snippet(_viewset)


@hooks.register("register_admin_viewset")
def register_quiz_statistics():
    return QuizStatisticsViewSet()


@hooks.register("register_admin_viewset")
def register_marking():
    return MarkingViewSet()
