from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look up ``key`` in a dict from a template: ``answers|get_item:block.id``."""
    if not mapping:
        return ""
    return mapping.get(key, "")
