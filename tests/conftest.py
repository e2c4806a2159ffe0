"""Shared fixtures: a fresh data directory with a round table, its chair, and an HTTP client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.bootstrap import Built, Paths
from roundtable.setup import Founding, initialise


@dataclass
class Clock:
    """A clock the tests move by hand, so expiry is tested without sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Table:
    """A round table served in-process: the client, the chair's token and ids."""

    paths: Paths
    built: Built
    client: TestClient
    clock: Clock
    chair_token: str
    chair_id: str
    chair_organisation_id: str
    confirmers: dict[str, str] = field(default_factory=dict)

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.chair_token}"}

    def post(self, path: str, body: dict[str, Any], token: str | None = None) -> Any:
        response = self.client.post(path, json=body, headers=self.headers(token))
        assert response.status_code in (200, 201), response.text
        return response.json()

    def organisation(self, name: str, *, secrecy: bool = False, kind: str = "formal") -> str:
        body = {"name": name, "sector": "social", "kind": kind, "professional_secrecy": secrecy}
        return str(self.post("/v1/organisations", body)["id"])

    def person(self, organisation_id: str, role: str = "member", name: str = "P") -> tuple[
        str, str
    ]:
        """Registers a person; returns (id, token)."""
        body = {"name": name, "organisation_id": organisation_id, "role": role}
        created = self.post("/v1/people", body)
        person_id, token = str(created["id"]), str(created["token"])
        if created["confirmed"]:
            self.confirmers.setdefault(organisation_id, token)
        else:  # a second person of an organisation waits for the first to confirm them
            self.post(f"/v1/people/{person_id}/confirm", {}, self.confirmers[organisation_id])
        return person_id, token

    def case(self, name: str = "Subject Name", *organisation_ids: str) -> str:
        case_id = str(self.post("/v1/cases", {"subject": {"name": name}})["id"])
        for organisation_id in organisation_ids:
            self.post(f"/v1/cases/{case_id}/organisations", {"organisation_id": organisation_id})
        return case_id

    def contribute(self, case_id: str, token: str | None = None, **rule: Any) -> str:
        body = {"text": "a contribution", "tlp": "GREEN", **rule}
        return str(self.post(f"/v1/cases/{case_id}/contributions", body, token)["id"])

    def visible(self, contribution_id: str, token: str) -> bool:
        response = self.client.get(f"/v1/contributions/{contribution_id}",
                                   headers=self.headers(token))
        assert response.status_code in (200, 404), response.text
        return response.status_code == 200


POSTGRES_ADMIN = os.environ.get("ROUNDTABLE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")

# The suites that run on both backends (the property test has a PostgreSQL twin of its own).
BOTH_BACKENDS = ("tests/api/",)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    path = str(metafunc.definition.path)
    if "backend" in metafunc.fixturenames and any(part in path for part in BOTH_BACKENDS):
        metafunc.parametrize("backend", ["sqlite", "postgres"], scope="session")


# The longest files first. With `--no-loadscope-reorder` (scripts/test), `--dist loadfile` hands
# whole files to the workers in the order they were collected; by default it orders them by how
# many tests they hold, and these property tests (95-196 s a file, 2 tests each) came last and
# ran on alone while the other workers had nothing left to do.
LONGEST_FIRST = (
    "test_permitted_view_property.py", "test_action_audience_property.py",
    "test_minutes_property.py", "test_schemathesis.py", "test_postgres_processes.py",
    "test_rebuild.py", "test_backup.py", "test_browser.py", "test_signals_property.py",
    "test_feedback_consent_property.py", "test_retention.py", "test_at_rest_postgres.py",
    "test_rotation_while_serving.py", "test_demo_in_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest as is


@pytest.fixture(scope="session")
def backend() -> str:
    """The store a test runs on: SQLite unless the suite runs on both."""
    return "sqlite"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    import psycopg

    name = f"roundtable_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def make_table(directory: Path, clock: Clock | None = None, database: str | None = None) -> Table:
    clock = clock or Clock()
    paths = Paths(directory / "data", directory / "data" / "keys", database)
    built, created = initialise(
        paths, Founding("Vilvoorde", "Chair", "Prevention service", "prevention"), clock
    )
    client = TestClient(create_app(built.services))
    return Table(paths, built, client, clock, created["token"], created["person_id"],
                 created["organisation_id"])


@pytest.fixture
def table(tmp_path: Path, backend: str) -> Iterator[Table]:
    if backend == "postgres":
        with postgres_database() as url:
            made = make_table(tmp_path, database=url)
            yield made
            made.built.close()
        return
    made = make_table(tmp_path)
    yield made
    made.built.close()
