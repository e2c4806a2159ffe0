"""The service documents itself: /docs and /openapi.json, with every route described."""

from __future__ import annotations

from typing import Any

from tests.conftest import Table

CONTRACT = {
    ("get", "/v1/me"), ("post", "/v1/organisations"), ("get", "/v1/organisations"),
    ("post", "/v1/people"), ("delete", "/v1/people/{person_id}"), ("post", "/v1/cases"),
    ("get", "/v1/cases"), ("get", "/v1/cases/{case_id}"),
    ("post", "/v1/cases/{case_id}/organisations"),
    ("delete", "/v1/cases/{case_id}/organisations/{organisation_id}"),
    ("post", "/v1/cases/{case_id}/close"), ("post", "/v1/meetings"),
    ("post", "/v1/meetings/{meeting_id}/attendance"), ("get", "/v1/meetings/{meeting_id}"),
    ("post", "/v1/cases/{case_id}/contributions"), ("get", "/v1/cases/{case_id}/contributions"),
    ("get", "/v1/contributions/{contribution_id}"),
    ("put", "/v1/contributions/{contribution_id}/sharing"),
    ("post", "/v1/contributions/{contribution_id}/withdraw"),
    ("get", "/v1/contributions/{contribution_id}/access"),
    ("post", "/v1/cases/{case_id}/actions"), ("get", "/v1/cases/{case_id}/actions"),
    ("post", "/v1/actions/{action_id}/complete"),
}


def _operations(table: Table) -> dict[tuple[str, str], dict[str, Any]]:
    response = table.client.get("/openapi.json")
    assert response.status_code == 200
    paths: dict[str, dict[str, dict[str, Any]]] = response.json()["paths"]
    return {(method, path): operation for path, methods in paths.items()
            for method, operation in methods.items()}


def test_openapi_json_is_served_without_a_token_and_lists_every_contract_route(
    table: Table,
) -> None:
    assert set(_operations(table)) >= CONTRACT


def test_every_route_has_a_summary_and_a_description(table: Table) -> None:
    for key, operation in _operations(table).items():
        assert operation.get("summary", "").strip(), key
        assert operation.get("description", "").strip(), key


def test_the_interactive_documentation_is_served_without_a_token(table: Table) -> None:
    response = table.client.get("/docs")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text
