from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from .models import LessonCompletion, LessonPage
        from .steps import StepKind, register_step_kind

        def lessons_done(user, page_ids):
            return set(
                LessonCompletion.objects.filter(
                    user=user, lesson_id__in=page_ids
                ).values_list("lesson_id", flat=True)
            )

        register_step_kind(
            StepKind(
                name="lesson",
                model=LessonPage,
                done_ids=lessons_done,
                verb_done="complete",
                plural="lessons",
            )
        )
