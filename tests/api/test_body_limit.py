"""Bodies over 1 MiB: 413 before they are read and before the token is checked."""

from __future__ import annotations

import json
from collections.abc import Iterator

from api.limits import MAX_BODY_BYTES
from tests.api.support import World


def _case_body(size: int) -> bytes:
    """A valid case body padded with whitespace to exactly `size` bytes."""
    body = json.dumps({"subject": {"name": "Padded"}}).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_a_body_declared_over_one_mib_is_413_json_before_the_token_is_checked(
    world: World,
) -> None:
    with world.unchanged():
        for headers in ({}, world.table.headers(world.chair.token)):
            response = world.table.client.post(
                "/v1/cases", content=_case_body(MAX_BODY_BYTES + 1),
                headers={**headers, "Content-Type": "application/json"})
            assert response.status_code == 413, response.text
            assert "1 MiB" in response.json()["detail"]


def test_a_chunked_body_over_one_mib_is_413_and_changes_nothing(world: World) -> None:
    def chunks() -> Iterator[bytes]:
        body = _case_body(MAX_BODY_BYTES + 1)
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    with world.unchanged():
        response = world.table.client.post(
            "/v1/cases", content=chunks(),
            headers={**world.table.headers(world.chair.token),
                     "Content-Type": "application/json"})
        assert "content-length" not in response.request.headers
        assert response.status_code == 413, response.text
        assert "1 MiB" in response.json()["detail"]


def test_a_body_of_exactly_one_mib_is_accepted(world: World) -> None:
    response = world.table.client.post(
        "/v1/cases", content=_case_body(MAX_BODY_BYTES),
        headers={**world.table.headers(world.chair.token), "Content-Type": "application/json"})
    assert response.status_code == 201, response.text
