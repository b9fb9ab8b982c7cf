"""Factories for test data. Random values come from factory.Faker at build time."""

import datetime

import factory
import wagtail_factories
from wagtail.models import Page, Site

from assessments.models import (
    ChoiceOption,
    MatchingDistractor,
    MatchingPair,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingItem,
    OrderingQuestion,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
    RubricCriterion,
    Scenario,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    WrittenAnswerQuestion,
)
from certificates.codes import code_display, code_generate
from certificates.models import Certificate, CourseCertificateSettings
from courses.models import (
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
)
from training.models import JobRole, StandardPage, User


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


# --- assessments ------------------------------------------------------------------


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    key = factory.Sequence(lambda n: f"scenario-{n}")
    title = factory.Faker("sentence", nb_words=3)
    text = factory.LazyAttribute(lambda o: f"<p>{o.title} is a case study.</p>")


class _QuestionFactory(factory.django.DjangoModelFactory):
    stem = factory.LazyAttribute(lambda o: f"<p>Question {o.key}?</p>")
    explanation = "<p>Because the research says so.</p>"
    points = 1
    category = factory.SubFactory(QuestionCategoryFactory)
    capability = "knowledge"


def _add_options(question, specs):
    """Options from (text, is_correct) pairs, each with its own feedback."""
    for order, (text, correct) in enumerate(specs):
        ChoiceOption.objects.create(
            question=question,
            text=text,
            is_correct=correct,
            feedback=f"Feedback on {text}",
            sort_order=order,
        )


class SingleChoiceQuestionFactory(_QuestionFactory):
    """Options A (correct), B, C, unless ``options=[(text, correct), ...]``."""

    class Meta:
        model = SingleChoiceQuestion
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"single-{n}")

    @factory.post_generation
    def options(obj, create, extracted, **kwargs):
        _add_options(obj, extracted or [("A", True), ("B", False), ("C", False)])


class MultipleResponseQuestionFactory(SingleChoiceQuestionFactory):
    """Options A, B (correct), C, D (wrong), unless ``options=`` is given."""

    class Meta:
        model = MultipleResponseQuestion
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"multi-{n}")

    @factory.post_generation
    def options(obj, create, extracted, **kwargs):
        _add_options(
            obj, extracted or [("A", True), ("B", True), ("C", False), ("D", False)]
        )


class TrueFalseQuestionFactory(_QuestionFactory):
    class Meta:
        model = TrueFalseQuestion

    key = factory.Sequence(lambda n: f"tf-{n}")

    correct_answer = True
    feedback_true = "Yes, it is true."
    feedback_false = "No, it is true."


class OrderingQuestionFactory(_QuestionFactory):
    """Steps First..Fourth in that (correct) order, unless ``items=[...]``."""

    class Meta:
        model = OrderingQuestion
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"order-{n}")

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        for order, text in enumerate(
            extracted or ["First", "Second", "Third", "Fourth"]
        ):
            OrderingItem.objects.create(question=obj, text=text, sort_order=order)


class MatchingQuestionFactory(_QuestionFactory):
    """Three pairs and a distractor, unless ``pairs=[(left, right), ...]``."""

    class Meta:
        model = MatchingQuestion
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"match-{n}")

    @factory.post_generation
    def pairs(obj, create, extracted, **kwargs):
        specs = extracted or [
            ("Checking her phone", "Coercive control"),
            ("Keeping her bank card", "Financial abuse"),
            ("Stopping her seeing family", "Coercive control"),
        ]
        for order, (left, right) in enumerate(specs):
            MatchingPair.objects.create(
                question=obj, left=left, right=right, sort_order=order
            )
        MatchingDistractor.objects.create(question=obj, text="Stalking", sort_order=0)


class WrittenAnswerQuestionFactory(_QuestionFactory):
    """A written-answer question worth 4 marks: two criteria of 2 marks, unless
    ``criteria=[(description, max_marks), ...]`` (their total sets the points)."""

    class Meta:
        model = WrittenAnswerQuestion
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"written-{n}")
    points = 4
    word_limit = 100
    marking_guidance = "<p>Look for safety first.</p>"
    suggested_answer = "<p>Ask about safety, then record and refer.</p>"

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        specs = extracted or [("Puts safety first", 2), ("Records and refers", 2)]
        for order, (description, max_marks) in enumerate(specs):
            RubricCriterion.objects.create(
                question=obj,
                description=description,
                max_marks=max_marks,
                sort_order=order,
            )
        total = sum(max_marks for _, max_marks in specs)
        if obj.points != total:
            obj.points = total
            obj.save(update_fields=["points"])


QUESTION_FACTORIES = [
    SingleChoiceQuestionFactory,
    MultipleResponseQuestionFactory,
    TrueFalseQuestionFactory,
    OrderingQuestionFactory,
    MatchingQuestionFactory,
]


class QuizPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Quiz {n}")
    intro = "<p>Check your understanding.</p>"
    pass_mark = 80
    shuffle_questions = False
    shuffle_options = False


def make_quiz(*, module, questions=(), **fields) -> QuizPage:
    """A published quiz under ``module`` asking ``questions`` in that order."""
    quiz = QuizPageFactory(parent=module, **fields)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(page=quiz, question=question, sort_order=order)
    return quiz


def make_questions(count: int, **fields) -> list:
    """``count`` questions cycling through every type."""
    return [
        QUESTION_FACTORIES[i % len(QUESTION_FACTORIES)](**fields) for i in range(count)
    ]


# --- certificates -------------------------------------------------------------------


class CourseCompletionFactory(factory.django.DjangoModelFactory):
    """A completion record on its own: no signal, so no certificate is issued."""

    class Meta:
        model = CourseCompletion

    user = factory.SubFactory(UserFactory)
    completed_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate row as issued, without a PDF or signature (for listings and
    verify pages). Use ``certificates.services.certificate_issue`` for the real thing.
    """

    class Meta:
        model = Certificate

    code = factory.LazyFunction(code_generate)
    user = factory.SubFactory(UserFactory)
    course = None
    completion = factory.LazyAttribute(
        lambda o: (
            CourseCompletionFactory(user=o.user, course=o.course)
            if o.course is not None
            else None
        )
    )
    holder_name = factory.LazyAttribute(lambda o: o.user.full_name)
    course_title = factory.LazyAttribute(
        lambda o: o.course.title if o.course else "Foundation course"
    )
    cpd_hours = 6
    completed_on = factory.LazyFunction(datetime.date.today)
    issuer_name = "ADVANCE training programme"
    signatory_name = factory.Faker("name", locale="en_GB")
    signatory_role = "Programme lead"
    verify_url = factory.LazyAttribute(
        lambda o: f"http://testserver/verify/{code_display(o.code)}/"
    )
    issued_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class CourseCertificateSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseCertificateSettings

    signatory_name = factory.Faker("name", locale="en_GB")
    signatory_role = "Course lead"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Page {n}")
    intro = factory.Faker("sentence")


# --- organisations ----------------------------------------------------------------


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Organisation"

    name = factory.Sequence(lambda n: f"Service {n}")
    type = "drug_and_alcohol"
    region = "north_west"


def make_member(organisation, *, role: str = "member", **user_fields):
    """A person whose current organisation is ``organisation``."""
    from training.services import membership_start

    user = UserFactory(**user_fields)
    membership_start(user=user, organisation=organisation, role=role)
    user.refresh_from_db()
    return user
