"""Canonical byte encoding of one stored event as a Merkle tree leaf.

Auditors recompute leaf hashes from exported events, so this encoding is a
public, versioned format that must be reimplementable in any language. It is
length-prefixed throughout, so no two different events can encode to the same
bytes (no delimiter or escaping ambiguities).

Layout of version 1 (all integers unsigned, big-endian)::

    offset  size  field
    0       19    magic: the ASCII bytes "roundtable-leaf-v1" followed by 0x0A
    19      8     position      uint64, the event's position in the log
    27      4     L1            uint32, byte length of stream_id
    31      L1    stream_id     UTF-8
    ..      8     version       uint64, the event's version within its stream
    ..      4     L2            uint32, byte length of topic
    ..      L2    topic         UTF-8
    ..      4     L3            uint32, byte length of state
    ..      L3    state         raw bytes, exactly as stored

Nothing follows `state`. The Merkle leaf hash is then, per RFC 6962,
SHA-256(0x00 || encoded leaf) -- see `roundtable.audit.merkle.leaf_hash`.

Example: position 1, stream_id "s", version 2, topic "t", state b"x" encodes as
(hex) 726f756e647461626c652d6c6561662d76310a 0000000000000001 00000001 73
0000000000000002 00000001 74 00000001 78.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

__all__ = ["LEAF_MAGIC", "DecodedLeaf", "decode_leaf", "encode_leaf"]

LEAF_MAGIC = b"roundtable-leaf-v1\n"
"""Format tag: changing the layout means a new tag, never a silent change."""

_U64 = struct.Struct(">Q")
_U32 = struct.Struct(">I")
_HEAD = struct.Struct(f">{len(LEAF_MAGIC)}sQI")
_U64_U32 = struct.Struct(">QI")
_2_64, _2_32 = 1 << 64, 1 << 32


class DecodedLeaf(NamedTuple):
    """The fields of one encoded leaf, in encoding order."""

    position: int
    stream_id: str
    version: int
    topic: str
    state: bytes


def encode_leaf(position: int, stream_id: str, version: int, topic: str, state: bytes) -> bytes:
    """Encode one event in the layout documented in this module's docstring.

    Raises ValueError for integers outside uint64, fields longer than
    2**32 - 1 bytes, or strings that are not encodable as UTF-8 (lone
    surrogates), because such events have no canonical encoding.
    """
    # Packed in three calls rather than field by field: `verify` encodes every stored event.
    sid, top, data = _utf8(stream_id, "stream_id"), _utf8(topic, "topic"), bytes(state)
    if not (0 <= position < _2_64 and 0 <= version < _2_64) or max(
        len(sid), len(top), len(data)
    ) >= _2_32:
        return _encode_checked(position, sid, version, top, data)
    return b"".join((_HEAD.pack(LEAF_MAGIC, position, len(sid)), sid,
                     _U64_U32.pack(version, len(top)), top, _U32.pack(len(data)), data))


def _encode_checked(position: int, sid: bytes, version: int, top: bytes, data: bytes) -> bytes:
    """The field-by-field encoding, whose checks name the field out of range."""
    return b"".join(
        (
            LEAF_MAGIC,
            _pack_u64(position, "position"),
            _pack_bytes(sid, "stream_id"),
            _pack_u64(version, "version"),
            _pack_bytes(top, "topic"),
            _pack_bytes(data, "state"),
        )
    )


def decode_leaf(data: bytes) -> DecodedLeaf:
    """Parse bytes produced by `encode_leaf`; ValueError if they are not exactly that."""
    if not data.startswith(LEAF_MAGIC):
        raise ValueError("not a roundtable-leaf-v1 encoding (bad magic)")
    reader = _Reader(data, len(LEAF_MAGIC))
    leaf = DecodedLeaf(
        position=reader.u64(),
        stream_id=reader.text("stream_id"),
        version=reader.u64(),
        topic=reader.text("topic"),
        state=reader.sized(),
    )
    if reader.offset != len(data):
        raise ValueError(f"{len(data) - reader.offset} trailing bytes after the leaf")
    return leaf


def _pack_u64(value: int, field: str) -> bytes:
    """8-byte big-endian unsigned integer, or ValueError naming the field."""
    if not 0 <= value < 1 << 64:
        raise ValueError(f"{field} must fit in an unsigned 64-bit integer, got {value}")
    return _U64.pack(value)


def _pack_bytes(value: bytes, field: str) -> bytes:
    """4-byte big-endian length followed by the bytes."""
    if len(value) >= 1 << 32:
        raise ValueError(f"{field} is too long to encode ({len(value)} bytes)")
    return _U32.pack(len(value)) + value


def _utf8(value: str, field: str) -> bytes:
    """Strict UTF-8, converting encoder errors into ValueError naming the field."""
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{field} is not encodable as UTF-8: {exc}") from None


class _Reader:
    """Bounds-checked cursor over an encoded leaf."""

    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset

    def take(self, n: int) -> bytes:
        """Consume exactly n bytes or raise ValueError (truncated input)."""
        end = self.offset + n
        if end > len(self.data):
            raise ValueError("truncated leaf encoding")
        chunk = self.data[self.offset : end]
        self.offset = end
        return chunk

    def u64(self) -> int:
        """Consume a big-endian uint64."""
        value: int = _U64.unpack(self.take(8))[0]
        return value

    def sized(self) -> bytes:
        """Consume a uint32 length and that many bytes."""
        length: int = _U32.unpack(self.take(4))[0]
        return self.take(length)

    def text(self, field: str) -> str:
        """Consume a length-prefixed strict UTF-8 string."""
        try:
            return self.sized().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{field} is not valid UTF-8: {exc}") from None
