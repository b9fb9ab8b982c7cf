"""The JSON verify endpoint answers JSON, 503, when the database is unreachable."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def _database_down():
    error = OperationalError("could not connect to server: Connection refused")
    return mock.patch.multiple(
        CursorWrapper,
        execute=mock.Mock(side_effect=error),
        executemany=mock.Mock(side_effect=error),
    )


def test_verify_json_says_unavailable_as_json(client, home):
    client.raise_request_exception = False
    with _database_down():
        response = client.get("/verify/ABCD-EFGH-JKMN-PQRS-TVWX.json")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "unavailable"
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_verify_json_for_a_text_that_is_no_code_stays_json(client, home):
    client.raise_request_exception = False
    with _database_down():
        response = client.get("/verify/not-a-code.json")
    assert response.status_code in (404, 503)
    assert response["Content-Type"].startswith("application/json")


def test_verify_json_works_again_when_the_database_is_back(client, home):
    with _database_down():
        client.get("/verify/ABCD-EFGH-JKMN-PQRS-TVWX.json")
    response = client.get("/verify/ABCD-EFGH-JKMN-PQRS-TVWX.json")
    assert response.status_code == 404
    assert response.json()["status"] == "not_found"
