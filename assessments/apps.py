from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from courses.steps import StepKind, register_step_kind

        from .models import QuizPage
        from .selectors import passed_exists, passed_quiz_ids

        # A quiz counts as a done step of its module once the learner has passed it.
        register_step_kind(
            StepKind(
                name="quiz",
                model=QuizPage,
                done_ids=passed_quiz_ids,
                done_exists=passed_exists,
                verb_done="passed",
                plural="quizzes",
            )
        )
