"""Signed-in learners' own pages (the dashboard, lesson pages) from the shared cache.

A learner opens their dashboard and lessons far more often than anything on them
changes, and each answer costs their progress, reading time and a render. Pages
that opt in (``learner_page``) are kept in the cache (Redis in production, shared
by every server) per learner and address for ``PAGE_CACHE_SECONDS``.

Correctness. An entry is used only while three versions are what they were when
it was built:

- the content version of ``training.pagecache``: publishing, moving or deleting
  pages, view restrictions, sites and site settings replace it;
- the learner's own version: any save or delete of a row that belongs to them
  (``OWNED_BY``), any request of theirs that is not a GET or HEAD, and the
  services that write many rows at once (``learner_pages_changed``) replace it;
- one version for every learner: organisations, groups and permissions.

Each version is replaced at once (so a transaction reads its own changes) and again
after commit, once however many rows the transaction wrote (so nothing built from
the data before the commit is served after it). The key holds the learner, the
address and the date (due dates, "overdue"), so a learner has at most one entry per
page; an address with a query string is never kept (the pages read none, and one
entry per string would let anyone fill the cache). A request with messages waiting
is never served from the cache, and an answer that is not a plain 200, sets a cookie
or changes the session is never kept. What must differ per answer is made fresh each
time: the CSRF token (the browser's own, from its CSRF cookie) and what the page
names in ``parts`` (a lesson's signed "page opened" token).
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from .pagecache import VERSION_KEY as CONTENT_VERSION_KEY
from .pagecache import page_cache_seconds

EVERYONE_KEY = "learnercache:everyone"
LEARNER_PREFIX = "learnercache:learner:"
ENTRY_PREFIX = "learnercache:page:"
PERSON_PREFIX = "learnercache:person:"
HIT_HEADER = "X-Learner-Cache"
#: Where a page carries its CSRF token: its forms, and the attribute its scripts
#: read. A kept page gets the token of whoever it is served to.
CSRF_TOKEN = re.compile(
    rb'(?:name="csrfmiddlewaretoken" value|data-csrf)="([A-Za-z0-9]{64})"'
)

#: Rows that belong to one learner, and the attribute that names them (no query).
OWNED_BY = {
    "training.User": "pk",
    "training.Membership": "user_id",
    "courses.Enrolment": "user_id",
    "courses.StepCompletion": "user_id",
    "courses.LessonTime": "user_id",
    "courses.ReflectionAnswer": "user_id",
    "courses.CourseCompletion": "user_id",
    "courses.Assignment": "user_id",
    "assessments.Attempt": "user_id",
    "assessments.SelfAssessment": "user_id",
    "assessments.CapabilitySharing": "user_id",
    "certificates.Certificate": "user_id",
}
#: Rows reached through a learner's row: the learner is read through it.
OWNED_THROUGH = {
    "assessments.AttemptMarking": ("attempt", "user_id"),
}
#: Rows with a path to a learner that no cached page shows, and why.
NOT_SHOWN = {
    "training.Invitation": "an invitation is for someone not yet signed up",
    "courses.AssignmentReminder": "a record of emails sent",
    "assessments.AttemptQuestion": "answers in progress: quiz pages are not cached",
    "assessments.SelfRating": "the capability pages are not cached",
    "assessments.CriterionMark": "marks reach learners through their attempt",
    "assessments.MarkChange": "the marking history, shown to trainers",
    "certificates.CertificateReminder": "a record of emails sent",
    "certificates.ManagerDigest": "a record of emails sent",
}
#: Rows whose change may show on every learner's pages.
EVERYONE = ("training.Organisation",)


def _learner_key(user_id) -> str:
    return f"{LEARNER_PREFIX}{user_id}"


def _replace(keys: Iterable[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


class _AfterCommit:
    """The versions a transaction replaces once it commits: one callback per
    transaction, however many of the learners' rows it writes."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self) -> None:
        _replace(sorted(self.keys))


def _replace_now_and_after_commit(keys: list[str]) -> None:
    if not keys:
        return
    _replace(keys)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # committed already: replaced once is enough
    # The callback this transaction (or a savepoint of it still open) queued
    # before; one dropped with a savepoint rolled back is no longer listed.
    pending = next(
        (
            callback
            for _, callback, _ in connection.run_on_commit
            if isinstance(callback, _AfterCommit)
        ),
        None,
    )
    if pending is None:
        pending = _AfterCommit()
        transaction.on_commit(pending, robust=True)
    pending.keys.update(keys)


def learner_pages_changed(user_ids: Iterable) -> None:
    """The cached pages of these learners are out of date (for writes that send no
    signals: ``update()``, ``bulk_create()``, ``bulk_update()``)."""
    _replace_now_and_after_commit(
        sorted({_learner_key(pk) for pk in user_ids if pk is not None})
    )


def everyone_pages_changed(**kwargs) -> None:
    """Every learner's cached pages are out of date."""
    _replace_now_and_after_commit([EVERYONE_KEY])


def _owner_changed(sender, instance=None, **kwargs) -> None:
    label = sender._meta.label
    if label in OWNED_BY:
        learner_pages_changed([getattr(instance, OWNED_BY[label], None)])
    elif label in OWNED_THROUGH:
        relation, attribute = OWNED_THROUGH[label]
        try:
            owner = getattr(instance, relation)
        except Exception:  # noqa: BLE001 - the row it belonged to is gone
            return
        learner_pages_changed([getattr(owner, attribute, None)])


def connect_signals() -> None:
    """What makes learners' cached pages out of date (from TrainingConfig.ready)."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    receivers = dict.fromkeys((*OWNED_BY, *OWNED_THROUGH), _owner_changed)
    receivers.update(dict.fromkeys(EVERYONE, everyone_pages_changed))
    for label, receiver in receivers.items():
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                receiver,
                sender=apps.get_model(label),
                dispatch_uid=f"learnercache-{label}-{name}",
            )
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    # Who may use the admin or see "My team" shows in every page's header.
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            everyone_pages_changed,
            sender=through,
            dispatch_uid=f"learnercache-{through._meta.label}",
        )


def _versions_of(keys: list[str], found: dict) -> tuple | None:
    """The versions under ``keys`` (read with the entry into ``found``), made when
    missing; None when the cache cannot keep them."""
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    if any(key not in found for key in keys):
        return None
    return tuple(found[key] for key in keys)


def person(user_id, load: Callable[[], object | None]):
    """The signed-in person with id ``user_id``: kept in the cache under their own
    version and every learner's (so any change to their account, memberships or
    groups reads them afresh), else ``load()`` and kept."""
    if page_cache_seconds() <= 0:
        return load()
    key = f"{PERSON_PREFIX}{user_id}"
    version_keys = [EVERYONE_KEY, _learner_key(user_id)]
    found = cache.get_many([key, *version_keys])
    entry = found.pop(key, None)
    versions = _versions_of(version_keys, found)
    if entry is not None and versions is not None and entry[0] == versions:
        return entry[1]
    user = load()
    if user is not None and versions is not None:
        cache.set(key, (versions, user), timeout=page_cache_seconds())
    return user


def _eligible(request) -> bool:
    if page_cache_seconds() <= 0 or request.method != "GET":
        return False
    if request.META.get("QUERY_STRING"):
        return False  # the pages read none; one entry per string would fill the cache
    if getattr(request, "is_preview", False):
        return False
    if not request.user.is_authenticated:
        return False
    return "messages" not in request.COOKIES and "_messages" not in request.session


def _entry_key(request) -> str:
    raw = "|".join(
        (
            request.get_host(),
            request.path,
            str(request.user.pk),
            timezone.localdate().isoformat(),
        )
    )
    return ENTRY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.session.modified
        and "no-store" not in response.get("Cache-Control", "")
    )


Parts = Callable[[object | None], dict[str, str]]
PREFETCHED = "_learnercache_prefetched"


def prefetch_keys(request) -> list[str]:
    """What ``learner_page`` reads for ``request`` (its entry first, then the
    versions), for a step before it to read in its own round trip; none when
    no page would be kept for it."""
    if not _eligible(request):
        return []
    return [
        _entry_key(request),
        CONTENT_VERSION_KEY,
        EVERYONE_KEY,
        _learner_key(request.user.pk),
    ]


def prefetched(request, keys: list[str], found: dict) -> None:
    """Values of ``prefetch_keys(request)`` read earlier in this request."""
    if keys:
        setattr(request, PREFETCHED, (keys, found))


def _prefetched_for(request, keys: list[str]) -> dict:
    """The values of ``keys``: as read earlier in this request (once), else now."""
    earlier = request.__dict__.pop(PREFETCHED, None)
    if earlier is not None and earlier[0] == keys:
        return dict(earlier[1])
    return cache.get_many(keys)


def learner_page(
    request, build: Callable[[], HttpResponse], *, parts: Parts | None = None
):
    """The answer to ``request`` from the cache when a current one is there, else
    ``build()`` (kept for next time when it may be).

    ``parts(context)``: what differs per answer, by name. Given the context of a
    built answer it returns the texts in it; given None, fresh ones, which replace
    them in an answer from the cache."""
    if not _eligible(request):
        return build()
    # The entry and the three versions it is checked against, in one round trip
    # (the versions are made when missing), or read already by the route cache.
    key, *version_keys = prefetch_keys(request)
    found = _prefetched_for(request, [key, *version_keys])
    entry = found.pop(key, None)
    versions = _versions_of(version_keys, found)
    if versions is None:
        return build()
    if entry is not None and entry[0] == versions:
        _, status, headers, content, stored_parts, csrf_tokens = entry
        if stored_parts:
            fresh = parts(None) if parts else {}
            for name, old in stored_parts.items():
                if name in fresh:
                    content = content.replace(old.encode(), fresh[name].encode())
        if csrf_tokens:
            # This browser's token (its own CSRF cookie, or a new one this answer sets).
            token = get_token(request).encode()
            for old in csrf_tokens:
                content = content.replace(old, token)
        response = HttpResponse(content, status=status, headers=headers)
        response[HIT_HEADER] = "hit"
        return response
    response = build()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if _storable(request, response):
        context = getattr(response, "context_data", None) or {}
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in {"set-cookie", "content-length"}
        ]
        stored_parts = parts(context) if parts else {}
        csrf_tokens = tuple(set(CSRF_TOKEN.findall(response.content)))
        cache.set(
            key,
            (
                versions,
                response.status_code,
                headers,
                response.content,
                stored_parts,
                csrf_tokens,
            ),
            timeout=page_cache_seconds(),
        )
    return response


def learner_page_cached(view):
    """For views whose answer depends only on the content and the learner's own
    records (the dashboard)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return learner_page(request, lambda: view(request, *args, **kwargs))

    return wrapped


class LearnerChangesMiddleware:
    """Anything a signed-in person sends that is not a GET or HEAD may change what
    their pages show: their cached pages are replaced, whatever the view wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in {"GET", "HEAD", "OPTIONS"}:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                learner_pages_changed([user.pk])
        return response
