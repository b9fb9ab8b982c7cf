"""A scratch database for a benchmark run, migrated at the start, dropped at the end."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def scratch_database(name: str, say: Callable[[str], None]) -> Iterator[str]:
    """Set Django up on a database of its own and yield the engine's name.

    Without DATABASE_URL, a SQLite file in a temporary folder (a file, not memory:
    the size of a real deployment's database). On a server, ``<database>_<name>``:
    not test_<database>, which a test run on the same server may be using."""
    scratch = tempfile.TemporaryDirectory(prefix=f"{name}-")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"

    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    test_name = (
        database["NAME"] if engine == "sqlite3" else f"{database['NAME']}_{name}"
    )
    database.setdefault("TEST", {})["NAME"] = test_name
    setup_test_environment()
    say(f"Database: {engine} (scratch {test_name})")
    started = time.perf_counter()
    databases = setup_databases(verbosity=0, interactive=False)
    say(f"  migrated in {time.perf_counter() - started:.0f} s")
    try:
        yield engine
        say(f"Total {time.perf_counter() - started:.0f} s")
    finally:
        connections.close_all()
        teardown_databases(databases, verbosity=0)
        scratch.cleanup()
