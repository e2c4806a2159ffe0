"""An outside auditor verifies the log like a Certificate Transparency log, with nothing of the
service's code: the verifier below is written from RFC 6962 / RFC 9162 (hashing, section 2.1.3.2
inclusion and 2.1.4.2 consistency verification), C2SP signed-note and tlog-checkpoint, and the
leaf layout documented in `roundtable/audit/leaf.py`. It talks to the service over HTTP only
(and reads the event store file, as an auditor holding a backup would)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.audit_trail.support import (
    Scene,
    closing,
    drop_views,
    environment_without_data,
    head,
    roundtable,
)

# --------------------------------------------------------------------------- the auditor's code


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 2.1.1 MTH over leaf hashes: split at the largest power of two below n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2."""
    if not 0 <= index < size or any(len(h) != 32 for h in (leaf, root, *proof)):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, proof: list[bytes], first_hash: bytes,
                       second_hash: bytes) -> bool:
    """RFC 9162 2.1.4.2 (a proof from the empty tree proves nothing; equal sizes: no proof)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_hash == second_hash
    if not proof or any(len(h) != 32 for h in (first_hash, second_hash, *proof)):
        return False
    path = [first_hash, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_hash and sr == second_hash


def verify_note(note: str, vkey: str) -> str:
    """C2SP signed-note: returns the text if a signature line by `vkey` verifies, else raises."""
    name, key_id_hex, key_b64 = vkey.split("+", 2)
    key = base64.b64decode(key_b64, validate=True)
    assert len(key) == 33, "not an Ed25519 key"
    assert key[0] == 0x01, "not an Ed25519 verifier key"
    key_id = bytes.fromhex(key_id_hex)
    assert hashlib.sha256(name.encode() + b"\n" + key).digest()[:4] == key_id, "bad key ID"
    split = note.rindex("\n\n")
    text, signatures = note[: split + 1], note[split + 2 :]
    assert signatures.endswith("\n"), "signature block must end in a newline"
    for line in signatures[:-1].split("\n"):
        assert line.startswith("\u2014 "), f"malformed signature line {line!r}"
        signer, signature = line[2:].split(" ")
        raw = base64.b64decode(signature, validate=True)
        if signer == name and raw[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], text.encode())
            return text
    raise AssertionError(f"no signature by {name}")


class Head(NamedTuple):
    origin: str
    size: int
    root: bytes


def parse_checkpoint(text: str) -> Head:
    """C2SP tlog-checkpoint: origin, decimal size, base64 root hash; each line ends in \\n."""
    origin, size, root, *extensions = text.split("\n")
    assert extensions == [""], f"unexpected lines after the root: {extensions}"
    assert origin, "no origin"
    assert re.fullmatch("0|[1-9][0-9]*", size), f"size {size!r} is not a canonical decimal"
    decoded = base64.b64decode(root, validate=True)
    assert len(decoded) == 32
    return Head(origin, int(size), decoded)


class Leaf(NamedTuple):
    position: int
    stream_id: str
    version: int
    topic: str
    state: bytes


def decode_leaf(data: bytes) -> Leaf:
    """The documented roundtable-leaf-v1 layout: magic, then big-endian, length-prefixed."""
    magic = b"roundtable-leaf-v1\n"
    assert data[: len(magic)] == magic
    at = len(magic)

    def take(n: int) -> bytes:
        nonlocal at
        chunk, at = data[at : at + n], at + n
        assert len(chunk) == n, "truncated leaf"
        return chunk

    def sized() -> bytes:
        (length,) = struct.unpack(">I", take(4))
        return take(length)

    (position,) = struct.unpack(">Q", take(8))
    stream_id = sized().decode()
    (version,) = struct.unpack(">Q", take(8))
    leaf = Leaf(position, stream_id, version, sized().decode(), sized())
    assert at == len(data), "trailing bytes after the state"
    return leaf


# --------------------------------------------------------------------------- the auditor at work


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def hashes(texts: list[str]) -> list[bytes]:
    return [b64(t) for t in texts]


def fetch_key(scene: Scene) -> str:
    response = scene.table.client.get("/v1/audit/key")  # public: no token
    assert response.status_code == 200, response.text
    key = response.json()
    assert key["vkey"].split("+")[0] == key["name"]
    return str(key["vkey"])


def fetch_checkpoint(scene: Scene, vkey: str) -> Head:
    """Fetch, check the signature and the format, and keep the verified tree head."""
    answer = scene.ok("/v1/audit/checkpoint", scene.auditor)
    tree_head = parse_checkpoint(verify_note(answer["note"], vkey))
    assert tree_head.origin == vkey.split("+")[0], "the checkpoint names another log"
    assert (answer["size"], b64(answer["root"])) == (tree_head.size, tree_head.root)
    return tree_head


def all_events(scene: Scene) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        page = scene.ok("/v1/audit/events", scene.auditor, after=after, limit=7)
        found += page["events"]
        after = page["next"]
    return found


def stored_rows(scene: Scene) -> dict[int, tuple[str, int, str, bytes]]:
    """The event store as an auditor holding a backup reads it: position -> row."""
    with closing(scene.table.paths.events) as db:
        rows = db.execute("SELECT rowid, originator_id, originator_version, topic, state "
                          "FROM stored_events").fetchall()
    return {int(r[0]): (str(r[1]), int(r[2]), str(r[3]), bytes(r[4])) for r in rows}


def inclusion_ok(scene: Scene, index: int, tree_head: Head) -> bool:
    answer = scene.ok("/v1/audit/proofs/inclusion", scene.auditor, index=index,
                      size=tree_head.size)
    assert (answer["index"], answer["size"]) == (index, tree_head.size)
    return verify_inclusion(index, tree_head.size, b64(answer["leaf_hash"]),
                            hashes(answer["proof"]), tree_head.root)


def more_activity(scene: Scene) -> None:
    scene.contribute(scene.officer, "Contribution-plaintext: later news", tlp="GREEN")
    scene.person(scene.youth)
    scene.table.post(f"/v1/cases/{scene.case_id}/organisations",
                     {"organisation_id": scene.youth})
    scene.table.case("A Third Subject", scene.police)


def test_every_leaf_hashes_decodes_and_adds_up_to_the_signed_checkpoint(scene: Scene) -> None:
    vkey = fetch_key(scene)
    tree_head = fetch_checkpoint(scene, vkey)
    events = all_events(scene)
    stored = stored_rows(scene)
    assert tree_head.size == len(events) == len(stored) == head(scene.table.paths)

    leaves: list[bytes] = []
    for index, event in enumerate(events):
        answer = scene.ok(f"/v1/audit/leaves/{index}", scene.auditor)
        data, claimed = b64(answer["data"]), b64(answer["leaf_hash"])
        assert leaf_hash(data) == claimed == b64(event["hash"])
        leaf = decode_leaf(data)
        assert answer["position"] == leaf.position == event["position"]
        assert leaf.stream_id == event["stream_id"]
        assert leaf.topic.rpartition(":")[2] == event["type"]
        stream, version, topic, state = stored[leaf.position]
        assert (uuid.UUID(leaf.stream_id), leaf.version, leaf.topic, leaf.state) == (
            uuid.UUID(stream), version, topic, state)
        leaves.append(claimed)
    assert [e["position"] for e in events] == sorted(stored)
    assert mth(leaves) == tree_head.root
    assert scene.get(f"/v1/audit/leaves/{len(events)}", scene.auditor).status_code == 404


def test_inclusion_and_consistency_proofs_verify_against_kept_checkpoints(scene: Scene) -> None:
    vkey = fetch_key(scene)
    kept = fetch_checkpoint(scene, vkey)
    more_activity(scene)
    later = fetch_checkpoint(scene, vkey)
    assert later.size > kept.size

    last = later.size - 1
    for index in sorted({0, 1, kept.size // 2, kept.size - 1, kept.size, last - 1, last}):
        assert inclusion_ok(scene, index, later), index
        if index < kept.size:
            assert inclusion_ok(scene, index, kept), index

    answer = scene.ok("/v1/audit/proofs/consistency", scene.auditor, **{
        "from": kept.size, "to": later.size})
    assert (answer["from"], answer["to"]) == (kept.size, later.size)
    proof = hashes(answer["proof"])
    assert verify_consistency(kept.size, later.size, proof, kept.root, later.root)
    # The same proof does not vouch for a history the auditor did not keep.
    forged = node_hash(kept.root, kept.root)
    assert not verify_consistency(kept.size, later.size, proof, forged, later.root)
    assert not verify_consistency(kept.size, later.size, proof[:-1], kept.root, later.root)


def test_the_auditor_verifier_rejects_what_it_must(scene: Scene) -> None:
    """The verifier above is not vacuous: a flipped bit anywhere makes it say no."""
    vkey = fetch_key(scene)
    answer = scene.ok("/v1/audit/checkpoint", scene.auditor)
    note: str = answer["note"]
    tampered = note.replace(f"\n{answer['size']}\n", f"\n{answer['size'] + 1}\n", 1)
    with pytest.raises(InvalidSignature):
        verify_note(tampered, vkey)
    name = vkey.split("+")[0]
    other = f"{name}+00000000+{vkey.split('+', 2)[2]}"
    with pytest.raises(AssertionError):
        verify_note(note, other)

    tree_head = parse_checkpoint(verify_note(note, vkey))
    proof = scene.ok("/v1/audit/proofs/inclusion", scene.auditor, index=3, size=tree_head.size)
    path, leaf = hashes(proof["proof"]), b64(proof["leaf_hash"])
    assert verify_inclusion(3, tree_head.size, leaf, path, tree_head.root)
    assert not verify_inclusion(2, tree_head.size, leaf, path, tree_head.root)
    bent = [bytes([path[0][0] ^ 1]) + path[0][1:], *path[1:]]
    assert not verify_inclusion(3, tree_head.size, leaf, bent, tree_head.root)


VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "transparency-dev-merkle"


def test_the_auditor_verifier_agrees_with_every_upstream_proof_vector() -> None:
    """transparency-dev/merkle's probes (valid and mutated): the auditor's code is right."""
    files = sorted(VECTORS.rglob("*.json"))
    assert len(files) == 196
    for path in files:
        v = json.loads(path.read_text())
        proof = hashes(v["proof"] or [])
        if "leafIdx" in v:
            ok = verify_inclusion(v["leafIdx"], v["treeSize"], b64(v["leafHash"]), proof,
                                  b64(v["root"]))
        else:
            ok = verify_consistency(v["size1"], v["size2"], proof, b64(v["root1"]),
                                    b64(v["root2"]))
        assert ok is not v["wantErr"], (path, v["desc"])


def test_the_checkpoint_command_prints_a_signed_note_covering_the_whole_log(
    scene: Scene,
) -> None:
    vkey = fetch_key(scene)
    served = fetch_checkpoint(scene, vkey)
    paths = scene.table.paths
    # Even when the views lag behind the log (here: deleted, with the service stopped).
    scene.table.built.close()
    drop_views(paths)
    code, note = roundtable("checkpoint", "--data", str(paths.data), "--keys", str(paths.keys))
    assert code == 0
    tree_head = parse_checkpoint(verify_note(note, vkey))
    assert tree_head == served
    assert tree_head.size == head(paths)


def test_the_console_command_verifies_an_intact_store_with_exit_zero(
    scene: Scene, tmp_path: Path
) -> None:
    """The real command, in a process of its own, with a checkpoint the auditor kept."""
    kept = tmp_path / "kept.note"
    kept.write_text(scene.ok("/v1/audit/checkpoint", scene.auditor)["note"])
    paths = scene.table.paths
    done = subprocess.run(
        [sys.executable, "-m", "roundtable.cli", "verify", "--data", str(paths.data),
         "--keys", str(paths.keys), "--checkpoint", str(kept)],
        capture_output=True, text=True, timeout=60, env=environment_without_data(), check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {head(paths)} events"), done.stdout
    assert "first bad position" not in done.stdout
