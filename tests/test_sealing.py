"""Behaviour of the sealing of personal data: per-case keys, crypto-shredding, KEK care."""

from __future__ import annotations

import base64
import os
import sqlite3
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from roundtable.sealing import (
    KEK_FILE,
    CaseKeyMissing,
    CaseKeyStore,
    KeyFileError,
    Sealer,
    create_key_encryption_key,
    load_key_encryption_key,
    rotate_key_encryption_key,
)

PLAINTEXT = "Jane Example, 12 Any Street, was seen at risk on Tuesday"


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    create_key_encryption_key(keys)
    return keys


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "keystore" / "keys.sqlite3"


@pytest.fixture
def store(keys_dir: Path, store_path: Path) -> Iterator[CaseKeyStore]:
    keys = CaseKeyStore(store_path, load_key_encryption_key(keys_dir))
    yield keys
    keys.close()


@pytest.fixture
def sealer(store: CaseKeyStore) -> Sealer:
    return Sealer(store)


def new_case(store: CaseKeyStore) -> UUID:
    case_id = uuid.uuid4()
    store.create(case_id)
    return case_id


def bytes_of_files_under(directory: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}


def files_containing(directory: Path, needle: bytes) -> list[Path]:
    return [path for path, data in bytes_of_files_under(directory).items() if needle in data]


def wrapped_key_in_file(store_path: Path, case_id: UUID) -> bytes:
    # Looks inside the store the way an attacker with the file would.
    conn = sqlite3.connect(store_path)
    try:
        rows = conn.execute(
            "SELECT wrapped FROM case_keys WHERE case_id = ?", (str(case_id),)
        ).fetchall()
    finally:
        conn.close()
    return bytes(rows[0][0])


# ------------------------------------------------------------------------- sealing


def test_a_sealed_text_opens_to_the_same_text(sealer: Sealer, store: CaseKeyStore) -> None:
    case_id = new_case(store)

    sealed = sealer.seal(case_id, "subject", PLAINTEXT)

    assert sealed.startswith("v1:")
    assert PLAINTEXT not in sealed
    assert sealer.open(case_id, "subject", sealed) == PLAINTEXT


def test_sealing_the_same_text_twice_gives_different_ciphertexts(
    sealer: Sealer, store: CaseKeyStore
) -> None:
    case_id = new_case(store)

    assert sealer.seal(case_id, "summary", "same") != sealer.seal(case_id, "summary", "same")


def test_non_ascii_and_empty_texts_round_trip(sealer: Sealer, store: CaseKeyStore) -> None:
    case_id = new_case(store)

    for text in ("", "Zoë Ørsted — 北京 🚸"):
        assert sealer.open(case_id, "summary", sealer.seal(case_id, "summary", text)) == text


def test_a_ciphertext_moved_to_another_case_does_not_open(
    sealer: Sealer, store: CaseKeyStore
) -> None:
    case_a, case_b = new_case(store), new_case(store)
    sealed = sealer.seal(case_a, "subject", PLAINTEXT)

    with pytest.raises(ValueError, match="does not open") as caught:
        sealer.open(case_b, "subject", sealed)

    assert PLAINTEXT not in str(caught.value)


def test_a_ciphertext_moved_to_another_purpose_does_not_open(
    sealer: Sealer, store: CaseKeyStore
) -> None:
    case_id = new_case(store)
    contribution = f"contribution:{uuid.uuid4()}"
    sealed = sealer.seal(case_id, contribution, PLAINTEXT)

    for other_purpose in ("subject", f"contribution:{uuid.uuid4()}", f"action:{uuid.uuid4()}"):
        with pytest.raises(ValueError, match="does not open"):
            sealer.open(case_id, other_purpose, sealed)


def test_a_tampered_ciphertext_raises_without_revealing_text_or_key(
    sealer: Sealer, store: CaseKeyStore
) -> None:
    case_id = new_case(store)
    sealed = sealer.seal(case_id, "close_reason", PLAINTEXT)
    blob = bytearray(base64.urlsafe_b64decode(sealed[3:]))
    blob[20] ^= 0x01
    tampered = "v1:" + base64.urlsafe_b64encode(bytes(blob)).decode()

    with pytest.raises(ValueError, match="does not open") as caught:
        sealer.open(case_id, "close_reason", tampered)

    message = str(caught.value)
    assert PLAINTEXT not in message
    assert base64.urlsafe_b64encode(store.get(case_id)).decode() not in message
    assert caught.value.__cause__ is None


@pytest.mark.parametrize("garbage", ["", "v2:AAAA", "v1:not base64!", "v1:AAAA"])
def test_a_malformed_sealed_value_raises_value_error(
    sealer: Sealer, store: CaseKeyStore, garbage: str
) -> None:
    case_id = new_case(store)

    with pytest.raises(ValueError, match="sealed value"):
        sealer.open(case_id, "subject", garbage)


def test_a_case_without_a_key_reads_as_erased(sealer: Sealer, store: CaseKeyStore) -> None:
    other_case = new_case(store)
    sealed = sealer.seal(other_case, "subject", PLAINTEXT)

    assert sealer.open(uuid.uuid4(), "subject", sealed) is None


def test_sealing_for_a_case_without_a_key_fails_loudly(sealer: Sealer) -> None:
    with pytest.raises(CaseKeyMissing):
        sealer.seal(uuid.uuid4(), "subject", PLAINTEXT)


def test_the_plaintext_never_reaches_the_key_store_files(
    sealer: Sealer, store: CaseKeyStore, store_path: Path
) -> None:
    case_id = new_case(store)
    sealed = sealer.seal(case_id, "subject", PLAINTEXT)
    sealer.open(case_id, "subject", sealed)
    store.destroy(new_case(store))

    for needle in (PLAINTEXT.encode(), PLAINTEXT.encode("utf-16-le"), b"Jane Example"):
        assert files_containing(store_path.parent, needle) == []


# ------------------------------------------------------------------ crypto-shredding


def test_after_destroy_everything_of_the_case_reads_as_erased(
    sealer: Sealer, store: CaseKeyStore
) -> None:
    case_id = new_case(store)
    sealed = sealer.seal(case_id, "subject", PLAINTEXT)

    assert store.destroy(case_id) is True

    assert sealer.open(case_id, "subject", sealed) is None
    assert not store.exists(case_id)
    with pytest.raises(CaseKeyMissing):
        store.get(case_id)


def test_after_destroy_no_file_of_the_key_store_holds_the_key_or_its_wrapping(
    store: CaseKeyStore, store_path: Path
) -> None:
    # Enough cases for a multi-level b-tree, so page splits are part of the story.
    case_ids = [new_case(store) for _ in range(400)]
    doomed = case_ids[::7]
    secrets = {c: (store.get(c), wrapped_key_in_file(store_path, c)) for c in doomed}
    survivor = case_ids[1]
    survivor_wrapped = wrapped_key_in_file(store_path, survivor)

    for case_id in doomed:
        store.destroy(case_id)

    everything = bytes_of_files_under(store_path.parent)
    for key, wrapped in secrets.values():
        for data in everything.values():
            assert key not in data
            assert wrapped not in data
    assert any(survivor_wrapped in data for data in everything.values())


def test_destroy_reports_whether_there_was_a_key(store: CaseKeyStore) -> None:
    case_id = new_case(store)

    assert store.destroy(case_id) is True
    assert store.destroy(case_id) is False
    assert store.destroy(uuid.uuid4()) is False


def test_an_erased_case_cannot_get_a_new_key(store: CaseKeyStore) -> None:
    case_id = new_case(store)
    store.destroy(case_id)

    with pytest.raises(ValueError, match="erased"):
        store.create(case_id)


def test_creating_a_key_twice_is_refused_and_keeps_the_first(store: CaseKeyStore) -> None:
    case_id = new_case(store)
    key = store.get(case_id)

    with pytest.raises(ValueError, match="already has a data key"):
        store.create(case_id)

    assert store.get(case_id) == key


def test_a_created_key_is_durable_and_listed(
    keys_dir: Path, store_path: Path, store: CaseKeyStore
) -> None:
    case_ids = {new_case(store) for _ in range(3)}
    keys = {c: store.get(c) for c in case_ids}
    store.close()

    reopened = CaseKeyStore(store_path, load_key_encryption_key(keys_dir))
    try:
        assert set(reopened.case_ids()) == case_ids
        assert {c: reopened.get(c) for c in case_ids} == keys
        assert all(len(key) == 32 for key in keys.values())
    finally:
        reopened.close()


# --------------------------------------------------------------- key-encryption key


def test_the_key_file_is_created_private_and_never_overwritten(tmp_path: Path) -> None:
    keys_dir = tmp_path / "fresh" / "keys"
    create_key_encryption_key(keys_dir)
    key_file = keys_dir / KEK_FILE
    original = key_file.read_bytes()

    with pytest.raises(FileExistsError):
        create_key_encryption_key(keys_dir)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    assert key_file.read_bytes() == original
    assert len(load_key_encryption_key(keys_dir)) == 32


def test_a_missing_key_file_raises_key_file_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="missing") as caught:
        load_key_encryption_key(tmp_path)

    assert str(tmp_path / KEK_FILE) in str(caught.value)


def test_a_malformed_key_file_raises_without_echoing_its_content(tmp_path: Path) -> None:
    (tmp_path / KEK_FILE).write_text("c2VjcmV0LWJ1dC10b28tc2hvcnQ=\n")

    with pytest.raises(KeyFileError, match="malformed") as caught:
        load_key_encryption_key(tmp_path)

    assert str(tmp_path / KEK_FILE) in str(caught.value)
    assert "c2VjcmV0" not in str(caught.value)


def test_a_wrong_key_refuses_to_open_an_existing_store(
    tmp_path: Path, store: CaseKeyStore, store_path: Path
) -> None:
    new_case(store)
    store.close()
    other_keys = tmp_path / "other-keys"
    create_key_encryption_key(other_keys)

    with pytest.raises(KeyFileError, match="does not open the key store at"):
        CaseKeyStore(store_path, load_key_encryption_key(other_keys))


def test_the_key_store_file_is_private(store: CaseKeyStore, store_path: Path) -> None:
    new_case(store)

    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


# ------------------------------------------------------------------------- rotation


def test_rotation_rewraps_every_key_under_a_new_key_file(
    keys_dir: Path, store_path: Path, store: CaseKeyStore
) -> None:
    case_ids = [new_case(store) for _ in range(5)]
    keys = {c: store.get(c) for c in case_ids}
    store.close()
    old_kek = load_key_encryption_key(keys_dir)

    assert rotate_key_encryption_key(keys_dir, store_path) == 5

    new_kek = load_key_encryption_key(keys_dir)
    assert new_kek != old_kek
    with pytest.raises(KeyFileError, match="does not open"):
        CaseKeyStore(store_path, old_kek)
    rotated = CaseKeyStore(store_path, new_kek)
    try:
        assert {c: rotated.get(c) for c in case_ids} == keys
    finally:
        rotated.close()
    assert sorted(p.name for p in keys_dir.iterdir() if p.name != "kek.lock") == [KEK_FILE]
    assert stat.S_IMODE((keys_dir / KEK_FILE).stat().st_mode) == 0o600


def test_a_rotation_interrupted_before_the_rename_opens_with_the_new_key(
    keys_dir: Path, store_path: Path, store: CaseKeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case(store)
    key = store.get(case_id)
    store.close()
    old_kek = load_key_encryption_key(keys_dir)

    def crash(*_args: object) -> None:
        raise OSError("simulated crash before the rename")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="simulated crash"):
            rotate_key_encryption_key(keys_dir, store_path)
    assert (keys_dir / "kek.key.new").exists()

    recovered_kek = load_key_encryption_key(keys_dir)

    assert recovered_kek != old_kek
    assert not (keys_dir / "kek.key.new").exists()
    assert load_key_encryption_key(keys_dir) == recovered_kek
    reopened = CaseKeyStore(store_path, recovered_kek)
    try:
        assert reopened.get(case_id) == key
    finally:
        reopened.close()


def test_a_rotation_interrupted_before_its_commit_keeps_the_old_key(
    keys_dir: Path, store_path: Path, store: CaseKeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case(store)
    key = store.get(case_id)
    store.close()
    old_kek = load_key_encryption_key(keys_dir)

    def crash(*_args: object) -> int:
        # The new key file is written by now; the store is still under the old key.
        assert (keys_dir / "kek.key.new").exists()
        raise KeyboardInterrupt

    monkeypatch.setattr("roundtable.sealing._rewrap_store", crash)
    with pytest.raises(KeyboardInterrupt):
        rotate_key_encryption_key(keys_dir, store_path)
    monkeypatch.undo()

    assert load_key_encryption_key(keys_dir) == old_kek
    assert not (keys_dir / "kek.key.new").exists()
    reopened = CaseKeyStore(store_path, old_kek)
    try:
        assert reopened.get(case_id) == key
    finally:
        reopened.close()


def test_a_rotation_after_an_interrupted_one_finishes_it_first(
    keys_dir: Path, store_path: Path, store: CaseKeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case(store)
    key = store.get(case_id)
    store.close()

    def crash(*_args: object) -> None:
        raise OSError("simulated crash before the rename")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="simulated crash"):
            rotate_key_encryption_key(keys_dir, store_path)

    assert rotate_key_encryption_key(keys_dir, store_path) == 1

    reopened = CaseKeyStore(store_path, load_key_encryption_key(keys_dir))
    try:
        assert reopened.get(case_id) == key
    finally:
        reopened.close()


def test_rotation_with_the_wrong_key_file_changes_nothing(
    tmp_path: Path, keys_dir: Path, store_path: Path, store: CaseKeyStore
) -> None:
    new_case(store)
    store.close()
    other_keys = tmp_path / "other-keys"
    create_key_encryption_key(other_keys)
    other_kek = load_key_encryption_key(other_keys)

    with pytest.raises(KeyFileError, match="does not open the key store at"):
        rotate_key_encryption_key(other_keys, store_path)

    assert load_key_encryption_key(other_keys) == other_kek
    assert not (other_keys / "kek.key.new").exists()
    CaseKeyStore(store_path, load_key_encryption_key(keys_dir)).close()


def test_an_open_store_refuses_to_write_under_a_key_rotated_away(
    keys_dir: Path, store_path: Path, store: CaseKeyStore
) -> None:
    new_case(store)
    rotate_key_encryption_key(keys_dir, store_path)

    with pytest.raises(KeyFileError, match="rotated"):
        store.create(uuid.uuid4())


def test_a_store_that_can_reload_its_key_adopts_a_rotated_one(
    keys_dir: Path, store_path: Path
) -> None:
    store = CaseKeyStore(store_path, load_key_encryption_key(keys_dir),
                         reload=lambda: load_key_encryption_key(keys_dir))
    try:
        before = new_case(store)
        key_before = store.get(before)
        rotate_key_encryption_key(keys_dir, store_path)
        assert store.get(before) == key_before  # read under the new key
        after = new_case(store)  # wrapped under the new key
        key_after = store.get(after)
    finally:
        store.close()
    reopened = CaseKeyStore(store_path, load_key_encryption_key(keys_dir))
    try:
        assert (reopened.get(before), reopened.get(after)) == (key_before, key_after)
    finally:
        reopened.close()


# ---------------------------------------------------------------------- concurrency


def test_two_stores_on_one_file_see_each_others_keys_and_erasures(
    keys_dir: Path, store_path: Path, store: CaseKeyStore
) -> None:
    other = CaseKeyStore(store_path, load_key_encryption_key(keys_dir))
    try:
        case_id = uuid.uuid4()
        store.create(case_id)
        assert other.get(case_id) == store.get(case_id)

        assert other.destroy(case_id) is True

        # The first store had the key cached; the erasure elsewhere still wins.
        with pytest.raises(CaseKeyMissing):
            store.get(case_id)
        assert not store.exists(case_id)
    finally:
        other.close()


def test_one_store_can_be_used_from_several_threads(store: CaseKeyStore) -> None:
    errors: list[BaseException] = []
    created: list[UUID] = []

    def work() -> None:
        try:
            for _ in range(20):
                case_id = new_case(store)
                store.get(case_id)
                created.append(case_id)
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(store.case_ids()) == sorted(created)
