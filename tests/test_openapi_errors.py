"""Every error is JSON, and the OpenAPI document declares every error answer with its shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.deps import min_position
from tests.conftest import Table
from tests.routes import api_routes

ERRORS = {"401": "ErrorOut", "403": "ErrorOut", "404": "ErrorOut", "409": "ErrorOut",
          "413": "ErrorOut", "422": "ValidationErrorOut"}


def _operations(table: Table) -> list[tuple[str, str, dict[str, Any]]]:
    """The /v1 operations (the health routes take no token and declare their own answers)."""
    document = table.client.get("/openapi.json").json()
    return [(method.upper(), path, operation)
            for path, item in document["paths"].items() for method, operation in item.items()
            if path.startswith("/v1/")]


def _schema_name(operation: dict[str, Any], status: str) -> str:
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def test_every_v1_operation_declares_every_error_with_its_shape(table: Table) -> None:
    operations = _operations(table)
    assert len(operations) > 20
    for method, path, operation in operations:
        assert path.startswith("/v1/"), path
        declared = {status: _schema_name(operation, status) for status in ERRORS}
        assert declared == ERRORS, (method, path)


def test_the_error_shapes_are_in_the_document(table: Table) -> None:
    schemas = table.client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["ErrorOut"]["required"] == ["detail"]
    assert schemas["ErrorOut"]["properties"]["detail"]["type"] == "string"
    item = schemas["FieldError"]
    assert set(item["required"]) == {"loc", "msg", "type"}


def test_the_reads_that_wait_for_a_position_declare_the_503(table: Table) -> None:
    waiting = {
        (method, path) for method, path, route in api_routes(table.client.app)  # type: ignore[arg-type]
        if any(d.dependency is min_position for d in route.dependencies)
    }
    assert len(waiting) > 10
    for method, path, operation in _operations(table):
        assert ("503" in operation["responses"]) == ((method, path) in waiting), (method, path)


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v1/no-such-thing", 404),
    ("PATCH", "/v1/cases", 405),
    ("POST", "/v1/me", 405),
])
def test_routing_errors_are_json(table: Table, method: str, path: str, status: int) -> None:
    response = table.client.request(method, path, headers=table.headers())
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


def test_a_server_error_is_json_and_says_nothing_more(
    table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(table.built.services.reads, "me", broken)
    client = TestClient(table.client.app, raise_server_exceptions=False)
    response = client.get("/v1/me", headers=table.headers())
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
