"""On PostgreSQL too, personal data is never at rest in the clear: not in any row of any table
of the database (the events, the read models, the case keys, the audit trail, the credentials,
the sessions), nor in the data directory of the host that served it."""

from __future__ import annotations

from pathlib import Path

import httpx
import psycopg
import pytest

from tests.conftest import postgres_database
from tests.privacy.support import Party, Server, leaks, populate, read_everything, variants
from tests.processes import Process, found
from tests.web.support import CSRF

pytestmark = pytest.mark.slow


def database_dump(url: str) -> dict[str, bytes]:
    """Every table of every schema but the system's, as PostgreSQL writes it out (bytea as
    hex), one bytes value per table."""
    tables: dict[str, bytes] = {}
    with psycopg.connect(url) as db:
        names = db.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema')").fetchall()
        for schema, table in names:
            with db.cursor().copy(f'COPY "{schema}"."{table}" TO STDOUT') as copy:
                tables[f"{schema}.{table}"] = b"".join(bytes(block) for block in copy)
    return tables


def sign_in_on_the_web(server: Server, token: str) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        form = CSRF.search(browser.get("/login").text)
        assert form is not None
        signed_in = browser.post("/login", data={"token": token, "csrf": form.group(1)})
        assert signed_in.status_code == 303, signed_in.text
        assert browser.get("/cases").status_code == 200


def forms(text: str) -> set[bytes]:
    """The forms of `variants`, and the same in the hex a bytea column is dumped as."""
    found = variants(text)
    return found | {form.hex().encode() for form in found}


def test_no_table_of_the_database_nor_the_data_directory_holds_personal_data(
    tmp_path: Path,
) -> None:
    with postgres_database() as url:
        paths, created = found(tmp_path, url)
        server = Server(paths, tmp_path / "serve.log")
        worker = Process(paths, "project")  # the views of a PostgreSQL deployment
        worker.start()
        server.start()
        chair = Party(created["person_id"], created["token"], created["organisation_id"])
        try:
            with server.client(chair.token) as client:
                world = populate(client, chair)
                assert world.secrets.subject.split()[-1] in read_everything(world)
            sign_in_on_the_web(server, chair.token)
        finally:
            server.stop()
            worker.stop()
        tables = database_dump(url)
        for expected in ("roundtable_case_keys.case_keys", "roundtable_audit.disclosures",
                         "roundtable_audit.checkpoints", "roundtable_sessions.sessions",
                         "public.roundtable_events", "public.contributions"):
            assert tables.get(expected), f"{expected} is missing or empty"
        # The search finds what is stored in the clear: the names of organisations (metadata).
        assert any(form in tables["public.organisations"] for form in forms("Prevention"))
        secrets = world.secrets.all()
        found_in = [(name, text) for name, data in tables.items() for text in secrets
                    if any(form in data for form in forms(text))]
        assert found_in == []
        assert leaks(paths.data, secrets) == []
