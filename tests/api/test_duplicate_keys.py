"""A key given twice in a JSON body is refused (422 naming it), never "the last one wins"."""

from __future__ import annotations

import pytest

from tests.api.support import World


def _post_raw(world: World, path: str, raw: bytes) -> tuple[int, list[object]]:
    response = world.table.client.post(path, content=raw, headers={
        **world.table.headers(world.chair.token), "Content-Type": "application/json"})
    loc = response.json()["detail"][0]["loc"] if response.status_code == 422 else []
    return response.status_code, loc


@pytest.mark.parametrize(("raw", "loc"), [
    (b'{"subject": {"name": "A"}, "summary": "a", "summary": "b"}', ["body", "summary"]),
    (b'{"subject": {"name": "A", "name": "B"}}', ["body", "subject", "name"]),
    (b'{"subject": {"name": "A", "birth_year": 2001, "birth_year": 2001}}',
     ["body", "subject", "birth_year"]),
    (b'[{"subject": {"name": "A"}}, {"x": 1, "x": 1}]', ["body", 1, "x"]),
])
def test_a_duplicated_key_in_a_case_is_a_422_naming_it(
    world: World, raw: bytes, loc: list[object]
) -> None:
    with world.unchanged():
        assert _post_raw(world, "/v1/cases", raw) == (422, loc)


def test_a_duplicated_narrowing_field_of_a_contribution_is_refused(world: World) -> None:
    raw = (b'{"text": "a", "tlp": "AMBER", "organisations": ["%s"], "organisations": null}'
           % world.police.encode())
    with world.unchanged():
        assert _post_raw(world, f"/v1/cases/{world.case_id}/contributions", raw) == (
            422, ["body", "organisations"])


def test_a_duplicated_text_of_a_contribution_is_refused(world: World) -> None:
    with world.unchanged():
        assert _post_raw(world, f"/v1/cases/{world.case_id}/contributions",
                         b'{"text": "a", "text": "b", "tlp": "GREEN"}') == (422, ["body", "text"])


@pytest.mark.parametrize("raw", [b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000])
def test_a_body_that_is_not_json_is_a_422_naming_the_body(world: World, raw: bytes) -> None:
    with world.unchanged():
        status, loc = _post_raw(world, "/v1/cases", raw)
        assert status == 422
        assert loc[0] == "body"
