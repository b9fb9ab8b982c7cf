"""Signals training sends for later stages to answer (see docs/architecture.md).

``personal_data_export``, sent with ``user`` when a learner downloads their data:
each app that stores personal data connects a receiver (its selectors'
``personal_data``) that returns its part as a dict of plain data.
"""

from django.dispatch import Signal

personal_data_export = Signal()
