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

        from training.signals import organisation_merged

        from .services import assignments_move

        def move_assignments(sender, *, source, target, **kwargs):
            assignments_move(source=source, target=target)

        organisation_merged.connect(
            move_assignments,
            weak=False,
            dispatch_uid="courses.assignments_follow_merge",
        )
