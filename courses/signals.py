"""How later stages hear from courses, and add to what courses shows: signals.

The project's one mechanism between stages (docs/architecture.md): an earlier app
defines a signal here and sends it; a later app connects a receiver in its
``AppConfig.ready``. Courses never imports the apps that listen.

``course_completed`` (an event) is sent once per learner and course when the
completion is recorded, with ``completion`` (a CourseCompletion). Certificates
listen, and issue the certificate.

The others gather additions to a trainer report; each receiver returns its part:

- ``progress_report_extending``, sent with ``course`` (the course the report is
  filtered to, or None): return a ``ReportExtension`` (columns and the annotations
  they read). Assessments adds each learner's best score on each quiz.
- ``learner_record_sections``, sent with ``request`` and ``learner``: return a piece
  of HTML for the learner's record page. Assessments adds their quiz attempts.
- ``dashboard_extending``, sent with ``request`` for a learner's dashboard: return a
  ``PageExtension``, a template filled in on every course card (with ``progress``
  in its context) and the scripts it needs, included once per page. Certificates
  adds each completed course's certificate.
- ``completion_extending``, sent with ``request`` for the page a learner lands on
  when they complete a course: return a ``PageExtension`` whose template is
  included once (with ``course`` and ``progress``). Certificates adds the
  certificate, its verify link and LinkedIn's add-to-profile link.
- ``course_page_sections``, sent with ``request``, ``course`` and ``progress`` (the
  learner's ``CourseProgress``) on a course page: return a piece of HTML shown under
  the learner's progress. Assessments adds the capabilities self-assessment prompt.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.dispatch import Signal

course_completed = Signal()

progress_report_extending = Signal()
learner_record_sections = Signal()
dashboard_extending = Signal()
completion_extending = Signal()
course_page_sections = Signal()


@dataclass
class ReportExtension:
    """What a later stage adds to the course progress report."""

    #: Wagtail ``Column``s, shown after "Modules complete" and exported.
    columns: list = field(default_factory=list)
    #: Called with the report's queryset; returns it annotated for the columns.
    annotate: Callable | None = None


@dataclass
class PageExtension:
    """What a later stage adds to a learner's page of courses."""

    #: Included in each course card, with ``progress`` in the context.
    card_template: str = ""
    #: Included once, above the course cards.
    page_template: str = ""
    #: Static paths of scripts the cards need, included once per page.
    scripts: list[str] = field(default_factory=list)


def gathered(signal: Signal, **kwargs) -> list:
    """Every receiver's answer to ``signal``, in the order they connected."""
    return [answer for _, answer in signal.send(sender=None, **kwargs) if answer]


#: Sent when a completion is withdrawn (a re-mark turned the pass it rested on into
#: a fail), inside the transaction, before the completion is deleted, with
#: ``completion``, ``by`` (who decided) and ``reason``. Certificates revoke theirs.
course_completion_withdrawn = Signal()
