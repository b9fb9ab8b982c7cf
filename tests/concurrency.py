"""Run code in several threads at the same moment, for races on PostgreSQL.

SQLite has no row locks (``select_for_update`` does nothing there), so the tests that
use this are marked ``ON_POSTGRES`` and skipped elsewhere. Run them with
DATABASE_URL=postgres://...
"""

import threading

import pytest
from django.db import close_old_connections, connection

ON_POSTGRES = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
    ),
]


def run_together(*targets):
    """Call each of ``targets`` in a thread of its own, all released together.

    Returns (results, errors); each thread closes its database connection.
    """
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def worker(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
