"""A real `roundtable serve` answers an oversized body before reading it."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import Server, found

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    paths, _ = found(tmp_path)
    served = Server(paths)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def test_a_declared_100_mb_body_is_answered_413_before_a_byte_of_it_is_sent(
    server: Server,
) -> None:
    head = (
        "POST /v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(head.encode())
        answer = b"".join(iter(lambda: connection.recv(4096), b"")).decode()  # until closed
    assert answer.startswith("HTTP/1.1 413 "), answer
    headers, _, body = answer.partition("\r\n\r\n")
    assert "content-type: application/json" in headers.lower()
    assert "1 MiB" in json.loads(body)["detail"]
