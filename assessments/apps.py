from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from courses.signals import (
            course_page_sections,
            dashboard_extending,
            learner_record_sections,
            progress_report_extending,
        )
        from training.signals import personal_data_export

        from . import receivers
        from .selectors import personal_data

        progress_report_extending.connect(
            receivers.best_quiz_scores, dispatch_uid="assessments.best_quiz_scores"
        )
        learner_record_sections.connect(
            receivers.learner_quiz_attempts,
            dispatch_uid="assessments.learner_quiz_attempts",
        )
        personal_data_export.connect(
            personal_data, dispatch_uid="assessments.personal_data"
        )
        course_page_sections.connect(
            receivers.capability_prompt, dispatch_uid="assessments.capability_prompt"
        )
        dashboard_extending.connect(
            receivers.capabilities_dashboard_link,
            dispatch_uid="assessments.capabilities_dashboard_link",
        )
