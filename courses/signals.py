"""The one event later stages hook into.

``course_completed`` is sent once per learner and course, inside the transaction that
records the completion, with ``completion`` (a CourseCompletion). Certificates listen.
"""

from django.dispatch import Signal

course_completed = Signal()
