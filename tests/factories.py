"""Factories for test data. Random values come from factory.Faker at build time."""

import factory
import wagtail_factories
from wagtail.models import Page, Site

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from training.models import JobRole, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    organisation = factory.Faker("company", locale="en_GB")
    job_role = JobRole.KEYWORKER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-9")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "ADVANCE training"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    audience = "All substance-use workers"
    hours = 6
    summary = factory.Faker("sentence")


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    summary = factory.Faker("sentence")


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    minutes = 10
    body = factory.LazyFunction(
        lambda: [{"type": "rich_text", "value": "<p>Lesson text.</p>"}]
    )


def make_home() -> CourseIndexPage:
    """A catalogue home page at the root of the default site."""
    root = Page.get_first_root_node()
    home = CourseIndexPageFactory(parent=root, slug="training-home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    return home


def make_course(
    *, home, modules: int = 2, lessons_per_module: int = 2, **fields
) -> CoursePage:
    """A published course with ``modules`` modules of ``lessons_per_module`` lessons."""
    course = CoursePageFactory(parent=home, **fields)
    for _ in range(modules):
        module = ModulePageFactory(parent=course)
        for _ in range(lessons_per_module):
            LessonPageFactory(parent=module)
    return course
