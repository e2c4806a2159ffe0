"""Integers out of range in query, path and headers: 422 naming the field, never a 500."""

from __future__ import annotations

import pytest

from api.schemas import INT64_MAX
from tests.api.support import World

# (path with {n} where the integer goes, the `loc` a 422 names)
PLACES = [
    ("/v1/audit/events?after={n}", ["query", "after"]),
    ("/v1/audit/events?limit={n}", ["query", "limit"]),
    ("/v1/audit/leaves/{n}", ["path", "index"]),
    ("/v1/audit/proofs/inclusion?index={n}&size=1", ["query", "index"]),
    ("/v1/audit/proofs/inclusion?index=0&size={n}", ["query", "size"]),
    ("/v1/audit/proofs/consistency?from={n}&to=1", ["query", "from"]),
    ("/v1/audit/proofs/consistency?from=1&to={n}", ["query", "to"]),
    ("/v1/audit/views/{person}?at={n}", ["query", "at"]),
]


@pytest.mark.parametrize(("template", "loc"), PLACES)
@pytest.mark.parametrize("number", [INT64_MAX + 1, 10**30, -(10**30)])
def test_an_integer_out_of_range_is_a_422_naming_it(
    world: World, template: str, loc: list[str], number: int
) -> None:
    path = template.format(n=number, person=world.officer.id)
    response = world.get(path, world.chair)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize(("template", "loc"), PLACES)
def test_the_largest_integer_accepted_is_answered_without_a_server_error(
    world: World, template: str, loc: list[str]
) -> None:
    response = world.get(template.format(n=INT64_MAX, person=world.officer.id), world.chair)
    assert response.status_code in (200, 404, 422), response.text
    if response.status_code == 422:
        assert response.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize("number", [INT64_MAX + 1, 10**30])
def test_a_min_position_out_of_range_is_a_422_naming_the_header(
    world: World, number: int
) -> None:
    response = world.get("/v1/cases", world.chair, **{"X-Min-Position": str(number)})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["header", "x-min-position"]
