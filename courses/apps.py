from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from training.signals import personal_data_export

        from .selectors import personal_data

        personal_data_export.connect(
            personal_data, dispatch_uid="courses.personal_data"
        )
