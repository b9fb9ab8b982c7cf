from django.db import migrations
from django.db.models import Min


def record_passed_quizzes(apps, schema_editor):
    """A quiz passed before step completions existed is a done step from its first
    pass."""
    Attempt = apps.get_model("assessments", "Attempt")
    StepCompletion = apps.get_model("courses", "StepCompletion")
    first_passes = (
        Attempt.objects.filter(passed=True)
        .values("user_id", "quiz_id")
        .annotate(first=Min("submitted_at"))
        .order_by()
    )
    StepCompletion.objects.bulk_create(
        (
            StepCompletion(
                user_id=row["user_id"],
                page_id=row["quiz_id"],
                completed_at=row["first"],
            )
            for row in first_passes.iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_attempt_response_refs"),
        ("courses", "0004_step_completion"),
    ]

    operations = [
        migrations.RunPython(record_passed_quizzes, migrations.RunPython.noop),
    ]
