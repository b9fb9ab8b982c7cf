"""Signals training sends for later stages to answer (see docs/architecture.md).

``personal_data_export``, sent with ``user`` when a learner downloads their data:
each app that stores personal data connects a receiver (its selectors'
``personal_data``) that returns its part as a dict of plain data.

``organisation_merged`` is sent with ``source`` and ``target`` (Organisations) inside
the transaction that merges one organisation into another, just before ``source`` is
deleted, so records elsewhere that name ``source`` can move to ``target``.
"""

from django.dispatch import Signal

personal_data_export = Signal()
organisation_merged = Signal()
