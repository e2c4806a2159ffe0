"""The durable stores of a PostgreSQL deployment, shared by its hosts: each host opens the
database with its own copy of the keys directory, and what one host writes the other reads."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.audit.store import SqliteAuditStore
from roundtable.bootstrap import build
from roundtable.keystore_pg import FRESH, PgCaseKeyStore
from roundtable.sealing import (
    CaseKeyMissing,
    CaseKeyStore,
    KeyFileError,
    Sealer,
    create_key_encryption_key,
    load_key_encryption_key,
    rotate_key_encryption_key,
)
from roundtable.sessions import SessionStore
from tests.conftest import Table, make_table, postgres_database


@pytest.fixture
def url() -> Iterator[str]:
    with postgres_database() as made:
        yield made


def two_hosts(tmp_path: Path) -> tuple[Path, Path]:
    """The keys directory of host A, and host B's copy of it."""
    create_key_encryption_key(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    return tmp_path / "a", tmp_path / "b"


def test_a_case_key_created_on_one_host_opens_on_the_other_and_an_erasure_reaches_both(
    url: str, tmp_path: Path,
) -> None:
    keys_a, keys_b = two_hosts(tmp_path)
    a = PgCaseKeyStore(url, load_key_encryption_key(keys_a))
    b = PgCaseKeyStore(url, load_key_encryption_key(keys_b))
    try:
        case_id = uuid.uuid4()
        a.create(case_id)
        sealed = Sealer(a).seal(case_id, "subject", "Opened on A")
        assert Sealer(b).open(case_id, "subject", sealed) == "Opened on A"
        assert b.case_ids() == [case_id]
        assert b.destroy(case_id)
        time.sleep(FRESH)  # how long a host may trust the keys it has opened
        with pytest.raises(CaseKeyMissing):
            a.get(case_id)
        assert Sealer(a).open(case_id, "subject", sealed) is None  # erased, not an error
        with pytest.raises(ValueError, match="was erased"):
            a.create(case_id)
    finally:
        a.close()
        b.close()


def test_the_rows_hold_wrapped_keys_only_and_an_erased_case_keeps_a_tombstone_only(
    url: str, tmp_path: Path,
) -> None:
    keys_a, _ = two_hosts(tmp_path)
    store = PgCaseKeyStore(url, load_key_encryption_key(keys_a))
    try:
        case_id = uuid.uuid4()
        store.create(case_id)
        key = store.get(case_id)
        with psycopg.connect(url) as db:
            (wrapped,) = db.execute("SELECT wrapped FROM roundtable_case_keys.case_keys"
                                    ).fetchone() or (b"",)
        assert key not in bytes(wrapped)
        assert len(bytes(wrapped)) == 12 + 32 + 16
        store.destroy(case_id)
        with psycopg.connect(url) as db:
            assert db.execute("SELECT * FROM roundtable_case_keys.case_keys").fetchall() == []
            assert db.execute("SELECT case_id FROM roundtable_case_keys.erased_cases"
                              ).fetchall() == [(str(case_id),)]
    finally:
        store.close()


def test_a_host_with_another_key_encryption_key_is_refused(url: str, tmp_path: Path) -> None:
    keys_a, _ = two_hosts(tmp_path)
    PgCaseKeyStore(url, load_key_encryption_key(keys_a)).close()
    create_key_encryption_key(tmp_path / "stranger")
    with pytest.raises(KeyFileError, match="does not open the key store"):
        PgCaseKeyStore(url, load_key_encryption_key(tmp_path / "stranger"))


def test_after_a_rotation_the_other_host_reads_again_once_it_has_the_new_key(
    url: str, tmp_path: Path,
) -> None:
    keys_a, keys_b = two_hosts(tmp_path)
    a = PgCaseKeyStore(url, load_key_encryption_key(keys_a))
    b = PgCaseKeyStore(url, load_key_encryption_key(keys_b),
                       reload=lambda: load_key_encryption_key(keys_b))
    try:
        case_id = uuid.uuid4()
        a.create(case_id)
        key = a.get(case_id)
        assert rotate_key_encryption_key(keys_a, url) == 1
        with pytest.raises(KeyFileError, match="copy the new kek.key"):
            b.get(case_id)
        shutil.copy(keys_a / "kek.key", keys_b / "kek.key")
        assert b.get(case_id) == key
        reopened = PgCaseKeyStore(url, load_key_encryption_key(keys_a))
        assert reopened.get(case_id) == key
        reopened.close()
    finally:
        a.close()
        b.close()


def test_a_web_session_started_on_one_host_is_found_and_ended_on_the_other(url: str) -> None:
    clock = lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    a, b = SessionStore.open_postgres(url, clock), SessionStore.open_postgres(url, clock)
    try:
        person = uuid.uuid4()
        session_id, started = a.start(person)
        assert b.get(session_id) == started
        b.end_person(person)
        assert a.get(session_id) is None
    finally:
        a.close()
        b.close()


def test_an_older_deployment_s_key_and_audit_files_move_into_the_database_once(
    url: str, tmp_path: Path,
) -> None:
    """A PostgreSQL deployment from before kept `case-keys.sqlite` and `audit.sqlite` in its
    data directory: the first start copies them in, deletes them, and reads on as before."""
    table = make_table(tmp_path, database=url)
    case_id = table.case("Older Subject")
    table.built.close()
    to_files(table, url)
    built = build(table.paths)
    try:
        assert not table.paths.case_keys.exists()
        assert not table.paths.audit.exists()
        client = TestClient(create_app(built.services))
        case = client.get(f"/v1/cases/{case_id}", headers=table.headers())
        assert case.json()["subject"]["name"] == "Older Subject"
        verified = client.get("/v1/audit/verify", headers=table.headers()).json()
        assert verified["ok"], verified
        assert verified["length"] > 0
        assert verified["disclosures"]["length"] > 0
    finally:
        built.close()


def to_files(table: Table, url: str) -> None:
    """The layout of an older deployment: the key store and the audit trail as files, no
    schema of theirs in the database."""
    paths = table.paths
    kek = load_key_encryption_key(paths.keys)
    CaseKeyStore(paths.case_keys, kek).close()
    SqliteAuditStore(paths.audit).close()
    with psycopg.connect(url, autocommit=True) as db, \
            closing(sqlite3.connect(paths.case_keys)) as keys, \
            closing(sqlite3.connect(paths.audit)) as audit:
        for schema, file, tables in (
            ("roundtable_case_keys", keys, ("meta", "case_keys", "erased_cases")),
            ("roundtable_audit", audit, ("disclosures", "checkpoints", "disclosure_tree_nodes",
                                         "disclosure_tree_leaves", "signed_event_tree_nodes",
                                         "signed_event_tree_leaves")),
        ):
            for name in tables:
                rows = db.execute(f"SELECT * FROM {schema}.{name}").fetchall()
                file.execute(f"DELETE FROM {name}")
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    file.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            file.commit()
            db.execute(f"DROP SCHEMA {schema} CASCADE")


def test_a_rotation_on_postgresql_interrupted_before_the_rename_opens_with_the_new_key(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rotation marker names the database; the next load of the key finishes the
    rotation from the store's check value there, as it does for a key file."""
    keys, _ = two_hosts(tmp_path)
    store = PgCaseKeyStore(url, load_key_encryption_key(keys))
    case_id = uuid.uuid4()
    store.create(case_id)
    key = store.get(case_id)
    store.close()
    old_kek = load_key_encryption_key(keys)

    def crash(*_args: object) -> None:
        raise OSError("simulated crash before the rename")

    # An address with a password (trust authentication here ignores it): the marker left in
    # the keys directory, which operators copy between hosts, must not hold it.
    parts = urlsplit(url)
    with_password = urlunsplit(parts._replace(
        netloc=f"{parts.username}:not-a-real-secret@{parts.hostname}:{parts.port or 5432}"))
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="simulated crash"):
            rotate_key_encryption_key(keys, with_password)
    assert (keys / "kek.key.new").exists()
    assert b"not-a-real-secret" not in (keys / "kek.rotating").read_bytes()

    recovered = load_key_encryption_key(keys)

    assert recovered != old_kek
    assert not (keys / "kek.key.new").exists()
    assert not (keys / "kek.rotating").exists()
    reopened = PgCaseKeyStore(url, recovered)
    try:
        assert reopened.get(case_id) == key
    finally:
        reopened.close()
