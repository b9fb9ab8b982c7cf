from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from django.db.models import Exists

        from .models import LessonCompletion, LessonPage
        from .steps import StepKind, register_step_kind

        def lessons_done(user, page_ids):
            return set(
                LessonCompletion.objects.filter(
                    user=user, lesson_id__in=page_ids
                ).values_list("lesson_id", flat=True)
            )

        def lesson_done_exists(page_id, user_id):
            return Exists(
                LessonCompletion.objects.filter(lesson_id=page_id, user_id=user_id)
            )

        register_step_kind(
            StepKind(
                name="lesson",
                model=LessonPage,
                done_ids=lessons_done,
                done_exists=lesson_done_exists,
                verb_done="complete",
                plural="lessons",
            )
        )
