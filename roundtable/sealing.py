"""Sealing of personal data with per-case data keys (crypto-shredding).

Every free-text field of a case is sealed with AES-256-GCM under that case's own
random data key.  The data keys live in a SQLite key store of their own, each
wrapped (AES-256-GCM) under a key-encryption key (KEK) kept in a 0600 key file.
Erasing a case means destroying its data key: from then on everything sealed for
it is unreadable for good, and reads as "erased" rather than failing.

Nothing in this module puts plaintext or key material into an exception message.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class KeyFileError(Exception):
    """The key-encryption key is missing, unreadable, malformed or the wrong one."""


class CaseKeyMissing(Exception):
    """The case's data key is gone (the case was erased) or was never created."""


KEK_FILE = "kek.key"
# A rotation writes the new KEK here first; it replaces KEK_FILE only once the
# key store has been re-wrapped under it, so no crash can leave the keys unopenable.
_NEW_KEK_FILE = "kek.key.new"
# Written before _NEW_KEK_FILE and removed last: it names the key store, so that
# load_key_encryption_key can finish an interrupted rotation knowing only keys_dir.
_ROTATION_MARKER = "kek.rotating"
# flock()ed by a rotation and by its recovery, across processes, so that a server
# starting up never "recovers" a rotation that a cron job is still carrying out.
_LOCK_FILE = "kek.lock"

_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_CACHE_SIZE = 10_000
_BUSY_TIMEOUT_SECONDS = 30.0

_CHECK_NAME = "kek_check"
_CHECK_PLAINTEXT = b"roundtable key store check v1"
_CHECK_AAD = b"roundtable/kek-check/v1"
_WRAP_AAD_PREFIX = b"roundtable/case-key/v1|"
_SEAL_AAD_PREFIX = b"roundtable/v1|"
_SEALED_PREFIX = "v1:"

_ERASED_SQL = "SELECT 1 FROM erased_cases WHERE case_id = ?"
# One statement, so the key and the check value come from one snapshot.
_KEY_AND_CHECK_SQL = (
    "SELECT k.wrapped, m.value FROM case_keys AS k, meta AS m WHERE k.case_id = ? AND m.name = ?"
)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    # A rowid table on purpose: interior b-tree pages then hold only rowids, so
    # the wrapped keys exist in exactly one leaf cell each (which secure_delete
    # zeroes); a WITHOUT ROWID table would copy whole rows into divider cells.
    "CREATE TABLE IF NOT EXISTS case_keys (case_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL)",
    # Tombstones: an erased case can never get a fresh key, so what was sealed for
    # it keeps reading as "erased" instead of failing as if it had been tampered.
    "CREATE TABLE IF NOT EXISTS erased_cases (case_id TEXT PRIMARY KEY)",
)


# --------------------------------------------------------------------------- key files


def create_key_encryption_key(keys_dir: Path) -> None:
    """Create a fresh KEK in keys_dir/KEK_FILE; FileExistsError if there is one."""
    _ensure_private_dir(keys_dir)
    _write_secret_file(keys_dir / KEK_FILE, _encode_key(AESGCM.generate_key(bit_length=256)))
    _fsync_dir(keys_dir)


def load_key_encryption_key(keys_dir: Path) -> bytes:
    """Read the KEK, first finishing a key rotation that a crash interrupted."""
    if _rotation_pending(keys_dir):
        with _rotation_lock(keys_dir):
            _finish_interrupted_rotation(keys_dir)
    return _read_key_file(keys_dir / KEK_FILE)


# A key store: the path of its SQLite file, or the postgresql:// URL of the database holding it.
Store = Path | str


def rotate_key_encryption_key(keys_dir: Path, store_path: Store) -> int:
    """Re-wrap every case key under a fresh KEK; returns how many were re-wrapped.

    The commit of the key store's transaction is the one point at which the new
    KEK takes over; before it the old key file opens the store, after it the new
    one does, and recovery picks whichever of the two opens it.
    """
    if isinstance(store_path, Path) and not store_path.exists():
        raise FileNotFoundError(f"no key store at {store_path}")
    with _rotation_lock(keys_dir):
        _finish_interrupted_rotation(keys_dir, store_path)
        old_kek = _read_key_file(keys_dir / KEK_FILE)
        # Refuse before writing anything: a wrong key should not leave a rotation
        # half-begun behind it.
        if not _check_opens(AESGCM(old_kek), _read_store_check(store_path)):
            raise _wrong_kek_error(store_path)
        new_kek = AESGCM.generate_key(bit_length=256)
        _write_secret_file(keys_dir / _ROTATION_MARKER, _store_name(store_path))
        _write_secret_file(keys_dir / _NEW_KEK_FILE, _encode_key(new_kek))
        _fsync_dir(keys_dir)
        try:
            count = _rewrap_store(store_path, old_kek, new_kek)
        except Exception:
            # Leftover files would be safe too (the next load sorts them out);
            # tidying up here just spares that load the work.
            with contextlib.suppress(Exception):
                _finish_interrupted_rotation(keys_dir, store_path)
            raise
        _install_new_kek(keys_dir)
        _remove_rotation_marker(keys_dir)
        return count


def _rotation_pending(keys_dir: Path) -> bool:
    return (keys_dir / _NEW_KEK_FILE).exists() or (keys_dir / _ROTATION_MARKER).exists()


@contextlib.contextmanager
def _rotation_lock(keys_dir: Path) -> Iterator[None]:
    try:
        fd = os.open(keys_dir / _LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise KeyFileError(
            f"cannot lock {keys_dir / _LOCK_FILE} ({exc.strerror}): "
            "the keys directory must be writable by this user"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _finish_interrupted_rotation(keys_dir: Path, store_path: Store | None = None) -> None:
    """Bring keys_dir back to a single KEK file; the caller holds the rotation lock.

    store_path is the caller's own idea of the key store, used only when the
    rotation marker (which names the store the rotation was working on) is gone.
    """
    new_file = keys_dir / _NEW_KEK_FILE
    if new_file.exists():
        check = _read_store_check(_rotation_store_path(keys_dir, store_path))
        if _key_file_opens(keys_dir / KEK_FILE, check):
            # The rotation never committed: the new key wraps nothing.
            new_file.unlink()
            _fsync_dir(keys_dir)
        elif _key_file_opens(new_file, check):
            # The rotation committed but crashed before the rename: finish it.
            _install_new_kek(keys_dir)
        else:
            raise KeyFileError(
                f"neither {keys_dir / KEK_FILE} nor {new_file} opens the key store "
                "named by an interrupted key rotation: restore the key files from backup"
            )
    _remove_rotation_marker(keys_dir)


def _store_name(store: Store) -> bytes:
    """What the rotation marker names: the file, or the database's address without its
    password (the marker lies beside the keys, which are copied between hosts)."""
    if isinstance(store, Path):
        return os.fsencode(store.resolve())
    url = urlsplit(store)
    if url.password is None:
        return store.encode()
    host = url.hostname or ""
    netloc = f"{url.username}@{host}" if url.username else host
    netloc += f":{url.port}" if url.port else ""
    return urlunsplit(url._replace(netloc=netloc)).encode()


def _rotation_store_path(keys_dir: Path, fallback: Store | None) -> Store:
    marker = keys_dir / _ROTATION_MARKER
    try:
        named = os.fsdecode(marker.read_bytes())
        if named.startswith("postgres"):  # the caller's address carries the password, if any
            return fallback if isinstance(fallback, str) else named
        return Path(named)
    except OSError:
        if fallback is not None:
            return fallback
        raise KeyFileError(
            f"{keys_dir / _NEW_KEK_FILE} is left from an interrupted key rotation but "
            f"{marker} is gone: run rotate_key_encryption_key with the key store's path "
            "to settle it"
        ) from None


def _read_store_check(store_path: Store) -> bytes:
    if isinstance(store_path, str):
        from roundtable.keystore_pg import read_check

        return read_check(store_path)
    if not store_path.exists():
        raise KeyFileError(
            f"an interrupted key rotation names the key store {store_path}, which is not "
            "there: put the key store back before loading the key-encryption key"
        )
    conn = _connect(store_path)
    try:
        check = _read_check(conn)
    finally:
        conn.close()
    if check is None:
        raise KeyFileError(f"the key store at {store_path} has no key check value")
    return check


def _key_file_opens(path: Path, check: bytes) -> bool:
    try:
        kek = _read_key_file(path)
    except KeyFileError:
        return False
    return _check_opens(AESGCM(kek), check)


def _install_new_kek(keys_dir: Path) -> None:
    os.replace(keys_dir / _NEW_KEK_FILE, keys_dir / KEK_FILE)
    _fsync_dir(keys_dir)


def _remove_rotation_marker(keys_dir: Path) -> None:
    marker = keys_dir / _ROTATION_MARKER
    if marker.exists():
        marker.unlink()
        _fsync_dir(keys_dir)


def _rewrap_store(store_path: Store, old_kek: bytes, new_kek: bytes) -> int:
    if isinstance(store_path, str):
        from roundtable.keystore_pg import rewrap

        return rewrap(store_path, old_kek, new_kek)
    old, new = AESGCM(old_kek), AESGCM(new_kek)
    conn = _connect(store_path)
    try:
        with _write_transaction(conn):
            check = _read_check(conn)
            if check is None or not _check_opens(old, check):
                raise _wrong_kek_error(store_path)
            rows = conn.execute("SELECT case_id, wrapped FROM case_keys").fetchall()
            for text_id, wrapped in rows:
                case_id = UUID(text_id)
                key = _unwrap_case_key(old, case_id, wrapped)
                conn.execute(
                    "UPDATE case_keys SET wrapped = ? WHERE case_id = ?",
                    (_wrap_case_key(new, case_id, key), text_id),
                )
            conn.execute(
                "UPDATE meta SET value = ? WHERE name = ?", (_make_check(new), _CHECK_NAME)
            )
    finally:
        conn.close()
    return len(rows)


def _read_key_file(path: Path) -> bytes:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(
            f"key-encryption key file {path} is missing: restore it from backup "
            "(create a new one only on a first install; a new key cannot open existing data)"
        ) from None
    except OSError as exc:
        raise KeyFileError(
            f"key-encryption key file {path} cannot be read ({exc.strerror}): "
            "check that it is a file owned by this user with mode 0600"
        ) from None
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != _KEY_BYTES:
        raise KeyFileError(
            f"key-encryption key file {path} is malformed (expected {_KEY_BYTES} bytes "
            "as base64): restore it from backup"
        )
    return key


def _encode_key(key: bytes) -> bytes:
    return base64.b64encode(key) + b"\n"


def _ensure_private_dir(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is filtered by the umask


def _write_secret_file(path: Path, data: bytes) -> None:
    # O_EXCL: never overwrite (nor follow a symlink to) an existing key; 0600 from
    # the first byte, so there is no moment at which others could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may have taken bits away; keep the owner's
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):  # keep the original error in view
            path.unlink()  # a half-written key must not be mistaken for a key
        raise
    os.close(fd)


def _fsync_dir(path: Path) -> None:
    # Makes a create, rename or unlink in the directory itself durable.
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------- crypto helpers


def _make_check(kek: AESGCM) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + kek.encrypt(nonce, _CHECK_PLAINTEXT, _CHECK_AAD)


def _check_opens(kek: AESGCM, check: bytes) -> bool:
    try:
        return kek.decrypt(check[:_NONCE_BYTES], check[_NONCE_BYTES:], _CHECK_AAD) == (
            _CHECK_PLAINTEXT
        )
    except (InvalidTag, ValueError):
        return False


def _wrap_aad(case_id: UUID) -> bytes:
    return _WRAP_AAD_PREFIX + case_id.hex.encode()


def _wrap_case_key(kek: AESGCM, case_id: UUID, key: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + kek.encrypt(nonce, key, _wrap_aad(case_id))


def _unwrap_case_key(kek: AESGCM, case_id: UUID, wrapped: bytes) -> bytes:
    try:
        return kek.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], _wrap_aad(case_id))
    except (InvalidTag, ValueError):
        raise ValueError(f"the stored data key of case {case_id} is damaged") from None


def _wrong_kek_error(store_path: Store) -> KeyFileError:
    where = store_path if isinstance(store_path, Path) else "the PostgreSQL database"
    return KeyFileError(
        f"the key-encryption key does not open the key store at {where}: "
        f"restore the {KEK_FILE} this store was created with (or last rotated to); "
        "a new key cannot open existing data"
    )


# ---------------------------------------------------------------------------- sqlite


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE), so
    # the check of the KEK and the write it guards happen under one write lock.
    conn = sqlite3.connect(
        path, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    try:
        # Zero deleted rows and freed pages rather than just unlinking them.
        conn.execute("PRAGMA secure_delete = ON")
        # A rollback journal is deleted at each commit; a WAL would keep old
        # frames (with destroyed keys in them) until a checkpoint.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        # VACUUM's scratch copy of the store then never reaches a temp file.
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def _write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _read_check(conn: sqlite3.Connection) -> bytes | None:
    try:
        row = _query_one(conn, "SELECT value FROM meta WHERE name = ?", (_CHECK_NAME,))
    except sqlite3.OperationalError:  # no meta table: the store was never set up
        return None
    return None if row is None else bytes(row[0])


def _query_one(
    conn: sqlite3.Connection, sql: str, params: tuple[str, ...]
) -> tuple[Any, ...] | None:
    # fetchall() runs the statement to its end: a half-read statement would keep a
    # shared lock on the file (blocking other processes' commits) and block VACUUM.
    rows = conn.execute(sql, params).fetchall()
    return None if not rows else tuple(rows[0])


def _create_private_file(path: Path) -> None:
    # SQLite gives its journal the database file's mode, so a 0600 store file
    # keeps the journals private too.
    if not path.parent.is_dir():
        _ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.close(fd)


# ------------------------------------------------------------------------- key store


class _Rotated(Exception):
    """The store's key was rotated by another process since this one last looked."""

    def __init__(self, check: bytes) -> None:
        super().__init__("the key-encryption key was rotated")
        self.check = check


class _LruCache:
    """A bounded map of case id to unwrapped data key, least recently used out first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[UUID, bytes] = OrderedDict()

    def get(self, case_id: UUID) -> bytes | None:
        key = self._items.get(case_id)
        if key is not None:
            self._items.move_to_end(case_id)
        return key

    def put(self, case_id: UUID, key: bytes) -> None:
        self._items[case_id] = key
        self._items.move_to_end(case_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def discard(self, case_id: UUID) -> None:
        self._items.pop(case_id, None)

    def clear(self) -> None:
        self._items.clear()


class CaseKeys(Protocol):
    """Per-case data keys, wrapped under the KEK: `CaseKeyStore` (a SQLite file of the data
    directory) or `roundtable.keystore_pg.PgCaseKeyStore` (tables of a PostgreSQL database)."""

    def create(self, case_id: UUID) -> None: ...

    def get(self, case_id: UUID) -> bytes: ...

    def destroy(self, case_id: UUID) -> bool: ...

    def exists(self, case_id: UUID) -> bool: ...

    def case_ids(self) -> list[UUID]: ...

    def close(self) -> None: ...


class CachedKeyLookUp:
    """`get` of both key stores: an unwrapped key from the cache (dropped whenever the store
    changed elsewhere), else its wrapped row, the store's KEK followed if it was rotated."""

    _lock: threading.Lock
    _cache: _LruCache
    _kek: AESGCM

    def get(self, case_id: UUID) -> bytes:
        with self._lock:
            self._forget_cache_if_changed_elsewhere()
            key = self._cache.get(case_id)
            if key is not None:
                return key
            found = self._wrapped_and_check(case_id)
            if found is None:
                raise CaseKeyMissing(f"case {case_id} has no data key (erased or never created)")
            wrapped, check = found
            self._follow(check)
            key = _unwrap_case_key(self._kek, case_id, wrapped)
            self._cache.put(case_id, key)
            return key

    def _forget_cache_if_changed_elsewhere(self) -> None:
        raise NotImplementedError

    def _wrapped_and_check(self, case_id: UUID) -> tuple[bytes, bytes] | None:
        """The case's wrapped key and the store's KEK check value; None: no key."""
        raise NotImplementedError

    def _follow(self, check: bytes) -> None:
        """Adopt a rotated KEK (or refuse) when `check` is not the one this store opened."""
        raise NotImplementedError


class CaseKeyStore(CachedKeyLookUp):
    """Per-case data keys, wrapped under the KEK, in a SQLite file of their own.

    Safe to share between the threads of a process (one lock around one
    connection) and between processes (SQLite locking with a busy timeout).
    """

    def __init__(
        self, path: Path, kek: bytes, reload: Callable[[], bytes] | None = None
    ) -> None:
        """`reload` reads the key-encryption key again: given it, a store whose key was rotated
        by another process (`roundtable rotate-key`) adopts the new key instead of failing."""
        if len(kek) != _KEY_BYTES:
            raise ValueError(f"a key-encryption key is {_KEY_BYTES} bytes long")
        self._path = path
        self._kek = AESGCM(kek)
        self._reload = reload
        self._lock = threading.Lock()
        self._cache = _LruCache(_CACHE_SIZE)
        _create_private_file(path)
        self._conn = _connect(path)
        try:
            self._check = self._set_up()
            self._data_version = self._read_data_version()
        except BaseException:
            self._conn.close()
            raise

    def create(self, case_id: UUID) -> None:
        key = AESGCM.generate_key(bit_length=256)
        with self._lock:
            for _ in range(3):
                try:
                    self._insert(case_id, key)
                    break
                except _Rotated as rotated:
                    # Adopted outside the write transaction (the rotation finishing must not
                    # wait for it), then wrapped again under the new key.
                    self._adopt(rotated.check)
            else:
                raise KeyFileError(f"the key-encryption key of {self._path} keeps changing")
            self._cache.put(case_id, key)

    def _insert(self, case_id: UUID, key: bytes) -> None:
        wrapped = _wrap_case_key(self._kek, case_id, key)
        with _write_transaction(self._conn):
            check = self._read_current_check()
            if check != self._check:
                if self._reload is None:
                    self._require_current_kek(check)
                raise _Rotated(check)
            if _query_one(self._conn, _ERASED_SQL, (str(case_id),)) is not None:
                raise ValueError(f"case {case_id} was erased; it cannot get a new data key")
            try:
                self._conn.execute(
                    "INSERT INTO case_keys (case_id, wrapped) VALUES (?, ?)",
                    (str(case_id), wrapped),
                )
            except sqlite3.IntegrityError:
                raise ValueError(f"case {case_id} already has a data key") from None

    def _wrapped_and_check(self, case_id: UUID) -> tuple[bytes, bytes] | None:
        row = _query_one(self._conn, _KEY_AND_CHECK_SQL, (str(case_id), _CHECK_NAME))
        return None if row is None else (bytes(row[0]), bytes(row[1]))

    def _follow(self, check: bytes) -> None:
        if check != self._check and self._reload is not None:
            self._adopt(check)
        self._require_current_kek(check)

    def destroy(self, case_id: UUID) -> bool:
        # No check of the KEK here: an erasure must succeed even with a stale one.
        with self._lock:
            self._cache.discard(case_id)
            with _write_transaction(self._conn):
                deleted = self._conn.execute(
                    "DELETE FROM case_keys WHERE case_id = ?", (str(case_id),)
                ).rowcount
                self._conn.execute(
                    "INSERT OR IGNORE INTO erased_cases (case_id) VALUES (?)", (str(case_id),)
                )
            # secure_delete zeroes the deleted cell, but a b-tree rebalance may
            # earlier have left a stale copy of it in another page's free space;
            # rebuilding the file leaves none.  Erasures are rare, the store small.
            self._conn.execute("VACUUM")
            return deleted > 0

    def exists(self, case_id: UUID) -> bool:
        with self._lock:
            row = _query_one(
                self._conn, "SELECT 1 FROM case_keys WHERE case_id = ?", (str(case_id),)
            )
        return row is not None

    def case_ids(self) -> list[UUID]:
        with self._lock:
            rows = self._conn.execute("SELECT case_id FROM case_keys ORDER BY case_id").fetchall()
        return [UUID(text_id) for (text_id,) in rows]

    def close(self) -> None:
        with self._lock:
            self._cache.clear()
            self._conn.close()

    def _set_up(self) -> bytes:
        with _write_transaction(self._conn):
            for statement in _SCHEMA:
                self._conn.execute(statement)
            check = _read_check(self._conn)
            if check is None:  # a new store: it belongs to this KEK from now on
                check = _make_check(self._kek)
                self._conn.execute(
                    "INSERT INTO meta (name, value) VALUES (?, ?)", (_CHECK_NAME, check)
                )
            if not _check_opens(self._kek, check):
                raise _wrong_kek_error(self._path)
        return check

    def _read_current_check(self) -> bytes:
        check = _read_check(self._conn)
        if check is None:
            raise KeyFileError(f"the key store at {self._path} has lost its key check value")
        return check

    def _adopt(self, check: bytes) -> None:
        """Load the key that a rotation committed (waiting for the rotation to finish
        installing it) and use it from now on; KeyFileError if it does not open the store."""
        assert self._reload is not None
        kek = AESGCM(self._reload())
        if not _check_opens(kek, check):
            raise _wrong_kek_error(self._path)
        self._kek, self._check = kek, check

    def _require_current_kek(self, check: bytes) -> None:
        # Another process rotated the KEK: wrapping a new key under the old one
        # would lose it at the rename, and unwrapping with it fails anyway.
        if check != self._check:
            raise KeyFileError(
                f"the key-encryption key of the key store at {self._path} was rotated "
                "since it was opened: load the key again and reopen the store"
            )

    def _read_data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchall()[0][0])

    def _forget_cache_if_changed_elsewhere(self) -> None:
        # data_version moves when another connection commits (e.g. a cron job
        # erasing a case); dropping the cache then keeps a destroyed key from
        # living on in this process's memory.
        version = self._read_data_version()
        if version != self._data_version:
            self._cache.clear()
            self._data_version = version


# ---------------------------------------------------------------------------- sealer


class Sealer:
    """Seals and opens the free-text fields of a case under the case's data key."""

    def __init__(self, keys: CaseKeys) -> None:
        self._keys = keys

    def seal(self, case_id: UUID, purpose: str, plaintext: str) -> str:
        try:
            data = plaintext.encode("utf-8")
        except UnicodeEncodeError:
            # The exception object would carry the whole plaintext along.
            raise ValueError("the text to seal is not valid Unicode") from None
        aesgcm = AESGCM(self._keys.get(case_id))
        nonce = os.urandom(_NONCE_BYTES)
        sealed = nonce + aesgcm.encrypt(nonce, data, _seal_aad(case_id, purpose))
        return _SEALED_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, case_id: UUID, purpose: str, sealed: str) -> str | None:
        return self.opener(case_id)(purpose, sealed)

    def opener(self, case_id: UUID) -> Callable[[str, str], str | None]:
        """Opens many values of one case with one key look-up (a page of contributions)."""
        try:
            key = self._keys.get(case_id)
        except CaseKeyMissing:
            return lambda _purpose, _sealed: None  # erased: gone for good, not an error
        aead = AESGCM(key)  # one cipher object for the page, not one per value
        return lambda purpose, sealed: _open_aead(aead, case_id, purpose, sealed)


def _open_aead(aead: AESGCM, case_id: UUID, purpose: str, sealed: str) -> str:
    blob = _decode_sealed(sealed)
    try:
        data = aead.decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _seal_aad(case_id, purpose)
        )
    except InvalidTag:
        raise ValueError(
            f"a sealed {purpose!r} value of case {case_id} does not open: "
            "it was altered, or sealed for another case or purpose"
        ) from None
    return data.decode("utf-8")


def _seal_aad(case_id: UUID, purpose: str) -> bytes:
    if not purpose:
        raise ValueError("a sealed value needs a purpose")
    return _SEAL_AAD_PREFIX + case_id.hex.encode() + b"|" + purpose.encode()


def _decode_sealed(sealed: str) -> bytes:
    if not sealed.startswith(_SEALED_PREFIX):
        raise ValueError("not a sealed value of a known version")
    try:
        blob = base64.b64decode(sealed[len(_SEALED_PREFIX) :], altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a sealed value is not valid base64") from None
    if len(blob) < _NONCE_BYTES + _TAG_BYTES:
        raise ValueError("a sealed value is too short")
    return blob
