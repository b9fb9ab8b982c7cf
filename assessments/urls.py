from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("quizzes/<id:quiz_id>/start/", views.attempt_start, name="attempt_start"),
    path("quizzes/attempts/<id:attempt_id>/", views.attempt_take, name="attempt"),
    path(
        "quizzes/attempts/<id:attempt_id>/answers/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "quizzes/attempts/<id:attempt_id>/review/",
        views.attempt_review_before_submit,
        name="review",
    ),
    path(
        "quizzes/attempts/<id:attempt_id>/result/",
        views.attempt_result,
        name="result",
    ),
    path("my-capabilities/", views.my_capabilities, name="my_capabilities"),
    path("my-capabilities/rate/", views.self_assessment, name="self_assessment"),
    path(
        "my-capabilities/sharing/",
        views.capability_sharing_change,
        name="capability_sharing",
    ),
]
