"""The routes an app serves, as (method, path, route): FastAPI keeps included routers as
branches, so they are enumerated through its route contexts."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found: list[tuple[str, str, APIRoute]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            found.extend((method, context.path, route) for method in sorted(route.methods or ()))
    return found
