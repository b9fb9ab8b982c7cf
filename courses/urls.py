from django.urls import path

from . import views

urlpatterns = [
    path("my-learning/", views.dashboard, name="dashboard"),
    path("courses/<id:course_id>/enrol/", views.enrol, name="course_enrol"),
    path(
        "courses/<id:course_id>/completed/",
        views.course_completed,
        name="course_completed",
    ),
    path(
        "lessons/<id:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "lessons/<id:lesson_id>/time/",
        views.lesson_time_beat,
        name="lesson_time_beat",
    ),
    path(
        "lessons/<id:lesson_id>/reflections/<str:block_id>/",
        views.reflection_save,
        name="reflection_save",
    ),
    path("my-team/assign/", views.assign, name="course_assign"),
]
