from django.db import migrations


class Migration(migrations.Migration):
    """Lesson completions now live in StepCompletion (copied by 0004)."""

    dependencies = [
        ("courses", "0004_step_completion"),
    ]

    operations = [
        migrations.DeleteModel(name="LessonCompletion"),
    ]
