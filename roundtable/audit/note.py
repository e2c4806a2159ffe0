"""C2SP signed notes (Ed25519) and tlog checkpoints, plus the log's key file.

Outside auditors and witnesses consume the log's tree heads as C2SP
checkpoints (https://c2sp.org/tlog-checkpoint) wrapped in signed notes
(https://c2sp.org/signed-note), so that standard tooling such as
golang.org/x/mod/sumdb/note can verify them. The encodings here follow those
specs byte for byte:

* key ID  = SHA-256(name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]
* vkey    = name "+" hex(key ID) "+" base64(0x01 || public key)
* skey    = "PRIVATE+KEY+" name "+" hex(key ID) "+" base64(0x01 || private seed)
* note    = text (ending in "\\n") "\\n" then one line per signature:
            U+2014 " " name " " base64(key ID || Ed25519 signature of text) "\\n"
* checkpoint text = origin "\\n" decimal size "\\n" base64(root hash) "\\n"

Verification is strict: anything malformed, or a note with no valid
signature from the expected key, raises `NoteError` -- the note's text must
not be trusted unless `verify_note` returned it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

__all__ = [
    "KEY_FILE_NAME",
    "KeyFileError",
    "NoteError",
    "NoteSigner",
    "checkpoint_body",
    "create_signing_key",
    "load_signing_key",
    "parse_checkpoint",
    "verify_note",
]

ALG_ED25519 = 0x01
"""Signature type byte for Ed25519 in key IDs, vkeys and skeys (signed-note spec)."""

KEY_FILE_NAME = "log-signing.key"
"""Name of the file, inside the keys directory, holding the log's skey."""

MAX_SIGNATURES = 100
"""Upper bound on signature lines parsed, so a hostile note cannot make us spin.

The spec requires accepting at least 16; 100 matches golang.org/x/mod/sumdb/note.
"""

_SIG_PREFIX = "\u2014 "  # em dash, space
_CHECKPOINT_SIZE = re.compile(r"0|[1-9][0-9]*")
_ED25519_KEY_SIZE = 32
_ED25519_SIG_SIZE = 64
_KEY_ID_SIZE = 4
_ROOT_SIZE = 32


class NoteError(ValueError):
    """A note, key string or checkpoint is malformed or does not verify."""


class KeyFileError(Exception):
    """The log signing key file is missing, unreadable or not a valid skey."""


# --------------------------------------------------------------------------- keys


class NoteSigner:
    """A named Ed25519 note-signing key (the log's identity towards auditors)."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self.private_key = private_key
        self.public_bytes = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = _key_id(name, self.public_bytes)

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        """Create a signer with a fresh random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """Parse an skey string; NoteError unless it is well-formed and self-consistent.

        The key ID inside the skey must match the one derived from the key, so
        a corrupted or hand-edited key file is caught before anything is signed.
        """
        parts = skey.split("+", 4)  # the base64 key may itself contain "+"
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise NoteError("malformed signer key: want PRIVATE+KEY+<name>+<id>+<key>")
        name, key_id_hex, key_b64 = parts[2:]
        _check_name(name)
        key_id = _parse_key_id(key_id_hex)
        key = _b64decode(key_b64, "signer key")
        if len(key) != 1 + _ED25519_KEY_SIZE or key[0] != ALG_ED25519:
            raise NoteError("signer key is not an Ed25519 key (type 0x01, 32 bytes)")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(key[1:]))
        if signer.key_id != key_id:
            raise NoteError(f"signer key ID {key_id_hex} does not match the key")
        return signer

    def vkey(self) -> str:
        """The public verifier key string to publish to auditors."""
        key = base64.b64encode(bytes([ALG_ED25519]) + self.public_bytes).decode()
        return f"{self.name}+{self.key_id.hex()}+{key}"

    def skey(self) -> str:
        """The secret signer key string (what the key file holds)."""
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        key = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{key}"

    def sign(self, text: str) -> str:
        """Return the signed note: text, blank line, one signature line.

        Raises NoteError for text that could not round-trip through a verifier
        (empty, not ending in newline, containing control characters).
        """
        _check_note_text(text)
        sig = self.private_key.sign(text.encode("utf-8"))
        sig_b64 = base64.b64encode(self.key_id + sig).decode()
        return f"{text}\n{_SIG_PREFIX}{self.name} {sig_b64}\n"

    def __repr__(self) -> str:
        """Show the public identity only, never the private key."""
        return f"NoteSigner({self.vkey()!r})"


def _key_id(name: str, public_key: bytes) -> bytes:
    """First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), per the spec."""
    material = name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key
    return hashlib.sha256(material).digest()[:_KEY_ID_SIZE]


def _check_name(name: str) -> None:
    """Key names must be non-empty, with no spaces, '+' or control characters."""
    if not name or any(c.isspace() or c == "+" or c < " " for c in name):
        raise NoteError(f"invalid key name {name!r}: must be non-empty, no spaces or '+'")
    _utf8(name)


def _parse_key_id(text: str) -> bytes:
    """Exactly 8 lowercase-or-uppercase hex digits -> 4 bytes."""
    if len(text) != 2 * _KEY_ID_SIZE:
        raise NoteError(f"malformed key ID {text!r}: want 8 hex digits")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise NoteError(f"malformed key ID {text!r}: want 8 hex digits") from None


def _b64decode(text: str, what: str) -> bytes:
    """Strict, canonical standard base64 (RFC 4648 section 4) or NoteError.

    Canonical means re-encoding gives back the same string, so there is
    exactly one accepted spelling of every key, hash and signature.
    """
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def _utf8(text: str) -> bytes:
    """Encode as UTF-8, turning lone surrogates into NoteError."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError("text is not valid UTF-8") from None


# --------------------------------------------------------------------------- notes


class _Verifier:
    """A parsed vkey: name, key ID and Ed25519 public key."""

    def __init__(self, vkey: str) -> None:
        parts = vkey.split("+", 2)  # the base64 key may itself contain "+"
        if len(parts) != 3:
            raise NoteError("malformed verifier key: want <name>+<id>+<key>")
        self.name, key_id_hex, key_b64 = parts
        _check_name(self.name)
        self.key_id = _parse_key_id(key_id_hex)
        key = _b64decode(key_b64, "verifier key")
        if len(key) != 1 + _ED25519_KEY_SIZE or key[0] != ALG_ED25519:
            raise NoteError("verifier key is not an Ed25519 key (type 0x01, 32 bytes)")
        if _key_id(self.name, key[1:]) != self.key_id:
            raise NoteError(f"verifier key ID {key_id_hex} does not match the key")
        self.public_key = Ed25519PublicKey.from_public_bytes(key[1:])

    def verify(self, text: bytes, sig: bytes) -> bool:
        """True if sig is a valid Ed25519 signature of text."""
        if len(sig) != _ED25519_SIG_SIZE:
            return False
        try:
            self.public_key.verify(sig, text)
        except InvalidSignature:
            return False
        return True


def verify_note(note: str, vkey: str) -> str:
    """Return the note's text if it carries a valid signature by `vkey`.

    Follows the signed-note spec: signatures by other keys are ignored (they
    may be witnesses' cosignatures), but a signature claiming to be by `vkey`
    that does not verify rejects the whole note, as does the absence of any
    signature by `vkey`. Raises NoteError in every failure case.
    """
    verifier = _Verifier(vkey)
    text, sig_lines = _split_note(note)
    text_bytes = text.encode("utf-8")
    verified = False
    for name, key_id, sig in _parse_signatures(sig_lines):
        if name != verifier.name or key_id != verifier.key_id:
            continue
        if not verifier.verify(text_bytes, sig):
            raise NoteError(f"invalid signature for key {name}+{key_id.hex()}")
        verified = True
    if not verified:
        raise NoteError(f"note has no signature by key {verifier.name}+{verifier.key_id.hex()}")
    return text


def _check_note_text(text: str) -> None:
    """Note text must be non-empty UTF-8 ending in newline, without control characters."""
    if not text.endswith("\n"):
        raise NoteError("note text must be non-empty and end with a newline")
    _check_characters(text)


def _check_characters(note: str) -> None:
    """Reject ASCII control characters other than newline, and invalid UTF-8."""
    if any(c < " " and c != "\n" for c in note):
        raise NoteError("note contains control characters")
    _utf8(note)


def _split_note(note: str) -> tuple[str, list[str]]:
    """Split at the last blank line into (text, signature lines)."""
    _check_characters(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, sigs = note[: split + 1], note[split + 2 :]
    if not sigs.endswith("\n"):
        raise NoteError("malformed note: no signature lines, or missing final newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    return text, lines


def _parse_signatures(lines: list[str]) -> list[tuple[str, bytes, bytes]]:
    """Parse every signature line into (name, key ID, signature); all must be well-formed."""
    parsed: list[tuple[str, bytes, bytes]] = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("malformed signature line: must start with an em dash and space")
        name, sep, sig_b64 = line[len(_SIG_PREFIX) :].partition(" ")
        if not sep:
            raise NoteError("malformed signature line: missing signature")
        _check_name(name)
        raw = _b64decode(sig_b64, "signature")
        if len(raw) <= _KEY_ID_SIZE:
            raise NoteError("malformed signature line: signature too short")
        parsed.append((name, raw[:_KEY_ID_SIZE], raw[_KEY_ID_SIZE:]))
    return parsed


# --------------------------------------------------------------------------- checkpoints


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The tlog-checkpoint note text for a tree head (no extension lines)."""
    if not origin or any(c < " " for c in origin):
        raise NoteError(f"invalid checkpoint origin {origin!r}")
    if size < 0:
        raise NoteError(f"checkpoint tree size must be >= 0, got {size}")
    if len(root) != _ROOT_SIZE:
        raise NoteError(f"checkpoint root hash must be {_ROOT_SIZE} bytes, got {len(root)}")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """Parse checkpoint note text into (origin, tree size, root hash).

    Extension lines after the root are allowed by the spec; they must be
    non-empty and are ignored here. Raises NoteError on anything malformed.
    """
    if not text.endswith("\n"):
        raise NoteError("checkpoint text must end with a newline")
    _check_characters(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise NoteError("checkpoint needs origin, size and root hash on non-empty lines")
    origin, size_text, root_b64 = lines[:3]
    if not _CHECKPOINT_SIZE.fullmatch(size_text):
        raise NoteError(f"checkpoint tree size {size_text!r} is not a canonical decimal")
    root = _b64decode(root_b64, "checkpoint root hash")
    if len(root) != _ROOT_SIZE:
        raise NoteError(f"checkpoint root hash must be {_ROOT_SIZE} bytes, got {len(root)}")
    return origin, int(size_text), root


# --------------------------------------------------------------------------- key files


def create_signing_key(keys_dir: Path, name: str) -> NoteSigner:
    """Generate a new log key and write its skey to `keys_dir/log-signing.key`.

    The file is created with mode 0600 atomically (O_CREAT | O_EXCL), so the
    secret is never readable by others, not even briefly, and an existing key
    is never overwritten: losing the log key would orphan every checkpoint
    auditors hold, so that raises FileExistsError instead. `keys_dir` is
    created with mode 0700 if missing.
    """
    signer = NoteSigner.generate(name)
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / KEY_FILE_NAME
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        _write_all(fd, (signer.skey() + "\n").encode("utf-8"))
        os.fsync(fd)  # the key must survive a crash right after checkpoints are signed
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return signer


def _write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written (it may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def load_signing_key(keys_dir: Path) -> NoteSigner:
    """Read the log key written by `create_signing_key`; KeyFileError names the file."""
    path = keys_dir / KEY_FILE_NAME
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyFileError(f"log signing key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read log signing key file {path}: {exc}") from None
    try:
        return NoteSigner.from_skey(content.strip())
    except NoteError as exc:
        raise KeyFileError(f"log signing key file {path} is not a valid key: {exc}") from None
