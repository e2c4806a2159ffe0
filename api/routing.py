"""The routers of the API: bodies parsed as JSON that names every field once, and every error
response declared in the OpenAPI document.

`{"text": "a", "text": "b"}` is refused (422 naming the field) instead of silently keeping the
last value: a client whose serialiser doubled a narrowing field must not get a wider rule than
it meant. FastAPI reads a route's body through `Request.json()`; every router of the API uses
`StrictJsonRoute`, which hands the route a request whose `json()` checks the keys.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from api.errors import ERROR_RESPONSES

Loc = tuple[str | int, ...]


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers the first key it was given twice."""

    duplicate: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    parsed = _Object()
    for key, value in pairs:
        if key in parsed and parsed.duplicate is None:
            parsed.duplicate = key
        parsed[key] = value
    return parsed


def first_duplicate(document: Any) -> Loc | None:
    """Where the first object holding a key twice is (breadth first), ending with the key."""
    pending: deque[tuple[Loc, Any]] = deque([(("body",), document)])
    while pending:
        loc, value = pending.popleft()
        children: Any = ()
        if isinstance(value, _Object):
            if value.duplicate is not None:
                return (*loc, value.duplicate)
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        pending.extend(((*loc, key), child) for key, child in children)
    return None


def invalid(loc: Loc, message: str) -> HTTPException:
    """A 422 in FastAPI's validation shape. An HTTPException, so FastAPI's body reader lets
    it through (it turns any other error while parsing into a 400)."""
    return HTTPException(422, [{"loc": list(loc), "msg": message, "type": "value_error"}])


def parse(body: bytes) -> Any:
    try:
        document = json.loads(body, object_pairs_hook=_object)
    except RecursionError:
        raise invalid(("body",), "JSON nested too deeply") from None
    except UnicodeDecodeError:
        raise invalid(("body",), "JSON must be UTF-8") from None
    loc = first_duplicate(document)
    if loc is not None:
        raise invalid(loc, "this key appears more than once in the object")
    return document


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict


def v1_router(tag: str, prefix: str = "/v1") -> APIRouter:
    """A router under `/v1` whose routes parse strict JSON and declare every error answer."""
    return APIRouter(prefix=prefix, tags=[tag], route_class=StrictJsonRoute,
                     responses=ERROR_RESPONSES)
