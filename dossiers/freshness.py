"""How fresh the staff's counts are: a generation number of the dossiers' working data.

The queue tabs of the worklist and the landing page, and the manager's table per
agency, count dossiers in one statement each time they are shown: a few
milliseconds for a clerk, over a hundred for a province's manager at a million
dossiers (docs/performance.md). Those counts change only when a dossier, one of its
steps or a Form 04 draft changes, or when time moves a due date into another window.
So they are kept in the shared cache under a key holding:

- the **generation**, a number in the cache that every change of those rows moves
  on: ``post_save``/``post_delete`` of the models, and the ``update``,
  ``bulk_update`` and ``bulk_create`` of their querysets (``ChangeCountingQuerySet``).
  It moves at once and again when the transaction commits, so a request that
  counted the old rows in between cannot keep its figures for long;
- the **minute**, so that a count is never more than a minute behind the clock;
- what the counts depend on about the user (id, role, agency, department).

Rendered parts of pages that show those rows (the worklist, My dossiers, a tracking
page) are kept under the same key (``kept_part``).

A change made behind the ORM's back (raw SQL) is seen when the entry expires
(``QUEUE_COUNT_CACHE_SECONDS``). With 0 seconds (the default without Redis, where
the cache is per process and one process could not tell the others) nothing is
cached and every count is read from the database.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from procedures.cache import catalogue_version, digest

GENERATION_KEY = "dossiers:generation"

T = TypeVar("T")


def _seconds() -> int:
    return settings.QUEUE_COUNT_CACHE_SECONDS


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or expired): any new value will do
        cache.set(GENERATION_KEY, 1, None)


def changed() -> None:
    """The dossiers' working data changed: counts read before this are stale."""
    if not _seconds():
        return
    _bump()
    # Once per transaction is enough (a seeding saves thousands of rows).
    connection = transaction.get_connection()
    if not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump)


def generation() -> int:
    return cache.get(GENERATION_KEY, 0)


def cached_counts(name: str, user: Any, now: datetime, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same user, generation and minute."""
    return cached_fresh(
        f"{name}:{user.pk}:{user.role}:{user.agency_id}:{user.department_id}",
        now,
        compute,
    )


def kept_part(
    name: str,
    now: datetime,
    compute: Callable[[], T],
    *,
    varies: str = "",
    user: Any = None,
) -> T:
    """A rendered part of a page, kept as ``cached_fresh`` keeps it, for the
    language and the catalogue version it was drawn in (names and labels come
    from the catalogue), what else it ``varies`` with (a query, a code as
    typed: any length, digested), and for ``user`` when it is theirs."""
    key = f"{name}:{get_language()}:{catalogue_version()}:{digest([varies])}"
    if user is not None:
        return cached_counts(key, user, now, compute)
    return cached_fresh(key, now, compute)


def cached_fresh(name: str, now: datetime, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``name``, generation and
    minute (``name`` says everything else it depends on)."""
    seconds = _seconds()
    if not seconds:
        return compute()
    minute = now.replace(second=0, microsecond=0).isoformat()
    key = f"counts:{generation()}:{minute}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


class ChangeCountingQuerySet(models.QuerySet):
    """A queryset whose bulk writes move the generation on like a save does."""

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows:
            changed()
        return rows

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        rows = super().bulk_update(objs, fields, batch_size=batch_size)
        if rows:
            changed()
        return rows

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list:
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            changed()
        return created


def _on_change(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    changed()


def connect(*models_: type[models.Model]) -> None:
    """Move the generation on at every save and delete of ``models_``."""
    for model in models_:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"fresh-{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"fresh-del-{model}")
