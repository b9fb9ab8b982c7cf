from django import template
from django.utils.safestring import mark_safe

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


BODY_PREFIX = "courses:lesson-body:"


def _body_parts(page) -> list:
    """The lesson's blocks as pieces: HTML for every block that is the same for
    everyone, and the index of each reflection (it shows the learner's own answer,
    so it is rendered for each request)."""
    from training.blocks import ReflectionBlock

    parts: list = []
    for index, block in enumerate(page.body):
        if isinstance(block.block, ReflectionBlock):
            parts.append(index)
        else:
            # Rendered without the request or the person: nothing personal can
            # reach the copy every learner is given.
            parts.append(block.render_as_block(context={"page": page, "self": page}))
    return parts


def _cached_body_parts(page) -> list:
    from training.pagecache import content_cached

    # Any saved page (publishing, a move, an edit by code) replaces the version,
    # so the key need not name the revision.
    return content_cached(f"{BODY_PREFIX}{page.pk}", lambda: _body_parts(page))


@register.simple_tag(takes_context=True)
def lesson_body(context, page, reflections):
    """A lesson's body. Blocks that are the same for everyone are rendered once per
    version of the content and kept in the cache; reflections are rendered with the
    learner's answer (``reflections``, by block id, read only if the lesson has
    one)."""
    pieces = []
    for part in _cached_body_parts(page):
        if isinstance(part, str):
            pieces.append(part)
            continue
        block = page.body[part]
        values = context.flatten()
        values.update(
            block_id=block.id, answer=reflections.get(block.id, ""), lesson=page
        )
        pieces.append(block.render_as_block(context=values))
    return mark_safe("".join(pieces))  # noqa: S308  (each piece is rendered template output)
