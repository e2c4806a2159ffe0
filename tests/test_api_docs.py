"""docs/ documents every route the app serves, and no route it does not serve.

A route is documented by a heading `### METHOD /path`, the path exactly as in the code, in
docs/API.md or in the reference of its capability (docs/cases.md, docs/meetings.md, ...),
once."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.conftest import Table
from tests.routes import api_routes

DOCS = Path(__file__).resolve().parent.parent / "docs"
HEADING = re.compile(r"^### (GET|POST|PUT|PATCH|DELETE) (/\S*)\s*$", re.MULTILINE)


def documented() -> list[tuple[str, str]]:
    return [found for page in sorted(DOCS.glob("*.md"))
            for found in HEADING.findall(page.read_text(encoding="utf-8"))]


def served(table: Table) -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in api_routes(table.client.app)  # type: ignore[arg-type]
            if method != "HEAD"}


def test_every_route_served_is_documented(table: Table) -> None:
    missing = served(table) - set(documented())
    assert not missing, f"add a `### METHOD /path` section to docs/ for: {sorted(missing)}"


def test_every_route_documented_is_served(table: Table) -> None:
    stale = set(documented()) - served(table)
    assert not stale, f"docs/ documents routes the app does not serve: {sorted(stale)}"


def test_each_route_is_documented_once() -> None:
    twice = [route for route, count in Counter(documented()).items() if count > 1]
    assert not twice
    assert len(documented()) > 25
