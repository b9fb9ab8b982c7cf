"""System checks for how the platform is deployed."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def shared_cache_check(app_configs, **kwargs):
    """More than one process serving needs one cache they all share (Redis).

    Rate limits, login throttles, revocations and page caches live in the cache; a
    per-process cache would let each server count and forget on its own.
    """
    if getattr(settings, "SINGLE_PROCESS", True):
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Error(
                "Several processes serve (web workers, the task worker), but the "
                "cache is local to each process.",
                hint="Set REDIS_URL (redis://host:6379/0), or DJANGO_SINGLE_PROCESS=1 "
                "for a single process that runs its tasks itself.",
                id="training.E001",
            )
        ]
    return []
