from django import template

from courses.timing import duration_text, minimum_text

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look up ``key`` in a dict from a template: ``answers|get_item:block.id``."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def duration(seconds):
    """Reading time in words: ``1 h 5 min``, ``12 min``; "" for none."""
    return duration_text(seconds)


@register.filter
def lesson_minimum_text(seconds):
    """A course's minimum time on a lesson: ``8 minutes``."""
    return minimum_text(seconds)
