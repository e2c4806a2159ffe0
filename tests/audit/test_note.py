"""Tests for C2SP signed notes, checkpoints and the log key file (roundtable.audit.note).

The known-answer vectors come from the real sources:
* golang.org/x/mod/sumdb/note (note.go package docs and note_test.go): the
  PeterNeumann / EnochRoot keys and signed note;
* c2sp.org/signed-note: the example.com/foo vkey and signed note;
* c2sp.org/tlog-checkpoint: the example checkpoint text.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from roundtable.audit.note import (
    KEY_FILE_NAME,
    KeyFileError,
    NoteError,
    NoteSigner,
    checkpoint_body,
    create_signing_key,
    load_signing_key,
    parse_checkpoint,
    verify_note,
)

EM = "\u2014"

PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    f"{EM} PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
PETER_NOTE = PETER_TEXT + "\n" + PETER_SIG

ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
ENOCH_SIG = (
    f"{EM} EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)

SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    f"{EM} example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)

ROOT = bytes(range(32))


@pytest.fixture
def signer() -> NoteSigner:
    return NoteSigner.generate("roundtable.example/log")


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """Run with a permissive umask, so modes must come from the code, not the umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- known answers


def test_signing_the_go_sumdb_example_reproduces_its_note_byte_for_byte() -> None:
    signer = NoteSigner.from_skey(PETER_SKEY)
    assert signer.sign(PETER_TEXT) == PETER_NOTE
    assert signer.sign(PETER_TEXT).encode("utf-8") == PETER_NOTE.encode("utf-8")


def test_the_example_skey_derives_the_published_vkey_and_key_id() -> None:
    signer = NoteSigner.from_skey(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id == bytes.fromhex("c74f20a3")
    assert signer.vkey() == PETER_VKEY
    assert signer.skey() == PETER_SKEY


def test_the_example_note_verifies_and_returns_exactly_its_text() -> None:
    assert verify_note(PETER_NOTE, PETER_VKEY) == PETER_TEXT


def test_the_signed_note_spec_example_verifies_with_its_published_vkey() -> None:
    assert verify_note(SPEC_NOTE, SPEC_VKEY) == "This is an example message.\n"


def test_a_cosigned_note_verifies_for_each_signer_while_ignoring_the_other() -> None:
    cosigned = PETER_NOTE + ENOCH_SIG
    assert verify_note(cosigned, PETER_VKEY) == PETER_TEXT
    assert verify_note(cosigned, ENOCH_VKEY) == PETER_TEXT


def test_the_checkpoint_spec_example_parses_into_origin_size_and_root() -> None:
    origin, size, root = parse_checkpoint(SPEC_CHECKPOINT)
    assert origin == "example.com/behind-the-sofa"
    assert size == 20852163
    assert root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint_body(origin, size, root) == SPEC_CHECKPOINT


# --------------------------------------------------------------------------- rejection


def test_a_note_with_any_single_flipped_byte_is_rejected() -> None:
    raw = PETER_NOTE.encode("utf-8")
    for i in range(len(raw)):
        mutated = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]
        with pytest.raises(NoteError):
            verify_note(mutated.decode("utf-8", errors="surrogateescape"), PETER_VKEY)


def test_a_note_signed_by_another_key_is_rejected(signer: NoteSigner) -> None:
    impostor = NoteSigner.generate("PeterNeumann")  # same name, different key
    with pytest.raises(NoteError, match="no signature by key PeterNeumann"):
        verify_note(impostor.sign(PETER_TEXT), PETER_VKEY)
    with pytest.raises(NoteError, match="no signature by key"):
        verify_note(PETER_NOTE, signer.vkey())


def test_a_bad_signature_claiming_the_trusted_key_rejects_the_whole_note() -> None:
    other = NoteSigner.from_skey(PETER_SKEY).private_key.sign(b"something else\n")
    forged_b64 = base64.b64encode(bytes.fromhex("c74f20a3") + other).decode()
    forged = PETER_TEXT + "\n" + f"{EM} PeterNeumann {forged_b64}\n"
    with pytest.raises(NoteError, match="invalid signature for key PeterNeumann"):
        verify_note(forged, PETER_VKEY)
    with pytest.raises(NoteError, match="invalid signature"):
        verify_note(forged + PETER_SIG, PETER_VKEY)


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        pytest.param(PETER_TEXT + PETER_SIG, "no blank line", id="no-blank-line"),
        pytest.param(PETER_TEXT + "\n", "no signature lines", id="no-signatures"),
        pytest.param(PETER_NOTE[:-1], "missing final newline", id="no-final-newline"),
        pytest.param(PETER_NOTE.replace(EM, "-"), "em dash", id="hyphen-instead-of-em-dash"),
        pytest.param(
            PETER_NOTE.replace("PeterNeumann ", "PeterNeumann"), "missing signature", id="no-space"
        ),
        pytest.param(PETER_NOTE.replace("x08go", "x08g!"), "not valid base64", id="not-base64"),
        pytest.param(
            PETER_NOTE.replace("AM=\n", "AN=\n"), "not canonical", id="non-canonical-base64"
        ),
        pytest.param(PETER_TEXT + f"\n{EM} PeterNeumann x08gow==\n", "too short", id="key-id-only"),
        pytest.param(
            "If you\tthink\n" + "\n" + PETER_SIG, "control characters", id="control-character"
        ),
        pytest.param(
            PETER_NOTE + f"{EM} Other AAAAAAA=\n" * 100,
            "more than 100 signatures",
            id="too-many-signatures",
        ),
        pytest.param(
            PETER_NOTE.encode().replace(b"think", b"th\xffnk").decode(errors="surrogateescape"),
            "not valid UTF-8",
            id="invalid-utf8",
        ),
    ],
)
def test_malformed_notes_are_rejected_with_the_reason(note: str, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        verify_note(note, PETER_VKEY)


def test_every_single_character_change_to_a_vkey_or_skey_is_rejected() -> None:
    for key, parse in (
        (PETER_VKEY, lambda k: verify_note(PETER_NOTE, k)),
        (PETER_SKEY, NoteSigner.from_skey),
    ):
        for i, c in enumerate(key):
            with pytest.raises(NoteError):
                parse(key[:i] + chr(ord(c) + 1) + key[i + 1 :])


def test_every_truncation_of_a_vkey_or_skey_is_rejected() -> None:
    for key, parse in (
        (PETER_VKEY, lambda k: verify_note(PETER_NOTE, k)),
        (PETER_SKEY, NoteSigner.from_skey),
    ):
        for start in range(len(key)):
            for end in range(start + 1, len(key) + 1):
                if (start, end) == (0, len(key)):
                    continue
                with pytest.raises(NoteError):
                    parse(key[start:end])


@pytest.mark.parametrize("text", ["", "no newline", "tab\there\n", "nul\x00\n", "\ud800\n"])
def test_signing_refuses_text_a_verifier_would_reject(signer: NoteSigner, text: str) -> None:
    with pytest.raises(NoteError):
        signer.sign(text)


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "new\nline", "nbsp\u00a0"])
def test_key_names_with_spaces_plus_or_controls_are_refused(name: str) -> None:
    with pytest.raises(NoteError, match="invalid key name"):
        NoteSigner.generate(name)


def test_signer_repr_does_not_leak_the_private_key(signer: NoteSigner) -> None:
    assert signer.vkey() in repr(signer)
    # PRIVATE+KEY+name+hash+base64: the base64 itself may hold a "+" (split from the left).
    assert signer.skey().split("+", 4)[4] not in repr(signer)


# --------------------------------------------------------------------------- checkpoints


def test_checkpoint_body_is_origin_size_and_base64_root_each_on_its_own_line() -> None:
    body = checkpoint_body("roundtable.example/log", 42, ROOT)
    assert body == "roundtable.example/log\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"


def test_a_signed_checkpoint_round_trips_through_verification_and_parsing(
    signer: NoteSigner,
) -> None:
    note = signer.sign(checkpoint_body(signer.name, 0, ROOT))
    assert parse_checkpoint(verify_note(note, signer.vkey())) == (signer.name, 0, ROOT)


def test_checkpoint_extension_lines_are_tolerated_and_ignored() -> None:
    body = checkpoint_body("origin", 7, ROOT) + "extension line\n"
    assert parse_checkpoint(body) == ("origin", 7, ROOT)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(SPEC_CHECKPOINT[:-1], id="no-final-newline"),
        pytest.param("origin\n5\n", id="no-root-line"),
        pytest.param("\n5\n" + SPEC_CHECKPOINT.split("\n")[2] + "\n", id="empty-origin"),
        pytest.param(SPEC_CHECKPOINT.replace("\n20852163\n", "\n020852163\n"), id="leading-zero"),
        pytest.param(SPEC_CHECKPOINT.replace("\n20852163\n", "\n-1\n"), id="negative-size"),
        pytest.param(SPEC_CHECKPOINT.replace("\n20852163\n", "\n+5\n"), id="plus-size"),
        pytest.param(SPEC_CHECKPOINT.replace("\n20852163\n", "\n 5\n"), id="spaced-size"),
        pytest.param(SPEC_CHECKPOINT.replace("\n20852163\n", "\n\u0665\n"), id="non-ascii-digit"),
        pytest.param(SPEC_CHECKPOINT.replace("CsUY", "CsU!"), id="root-not-base64"),
        pytest.param("origin\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n", id="short-root"),
        pytest.param(SPEC_CHECKPOINT + "\n", id="empty-extension-line"),
        pytest.param(SPEC_CHECKPOINT.replace("sofa", "so\tfa"), id="control-character"),
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [("", 1, ROOT), ("two\nlines", 1, ROOT), ("origin", -1, ROOT), ("origin", 1, ROOT[:31])],
)
def test_checkpoint_body_refuses_values_that_would_not_parse_back(
    origin: str, size: int, root: bytes
) -> None:
    with pytest.raises(NoteError):
        checkpoint_body(origin, size, root)


# --------------------------------------------------------------------------- key files


@pytest.mark.usefixtures("umask_zero")
def test_new_key_file_is_private_from_the_start_even_with_a_permissive_umask(
    tmp_path: Path,
) -> None:
    keys_dir = tmp_path / "state" / "keys"
    signer = create_signing_key(keys_dir, "roundtable.example/log")
    key_file = keys_dir / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    assert key_file.read_text() == signer.skey() + "\n"


def test_loading_the_key_file_gives_back_the_same_signing_key(tmp_path: Path) -> None:
    created = create_signing_key(tmp_path, "roundtable.example/log")
    loaded = load_signing_key(tmp_path)
    assert loaded.vkey() == created.vkey()
    assert verify_note(loaded.sign("hello\n"), created.vkey()) == "hello\n"


def test_an_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    first = create_signing_key(tmp_path, "roundtable.example/log")
    before = (tmp_path / KEY_FILE_NAME).read_bytes()
    with pytest.raises(FileExistsError):
        create_signing_key(tmp_path, "roundtable.example/log")
    assert (tmp_path / KEY_FILE_NAME).read_bytes() == before
    assert load_signing_key(tmp_path).vkey() == first.vkey()


def test_a_symlink_in_place_of_the_key_file_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / KEY_FILE_NAME).symlink_to(target)
    with pytest.raises(FileExistsError):
        create_signing_key(tmp_path, "roundtable.example/log")
    assert not target.exists()


def test_a_missing_key_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match=f"{tmp_path / KEY_FILE_NAME}.*does not exist"):
        load_signing_key(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a key\n", PETER_SKEY[:-4].encode() + b"\n", b"\xff\xfe\n", PETER_VKEY.encode()],
)
def test_an_unparsable_key_file_is_reported_by_name(tmp_path: Path, content: bytes) -> None:
    (tmp_path / KEY_FILE_NAME).write_bytes(content)
    with pytest.raises(KeyFileError, match=str(tmp_path / KEY_FILE_NAME)):
        load_signing_key(tmp_path)
