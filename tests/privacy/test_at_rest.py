"""Personal data is never at rest in the clear: not in any file of the data directory (the
journals and write-ahead logs included), not in the server's log, not in an error answer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.privacy.support import (
    Party,
    Server,
    World,
    files_under,
    leaks,
    populate,
    read_everything,
    text_leaks,
)
from tests.processes import found


@dataclass
class Served:
    server: Server
    world: World
    reads: str
    refused: list[str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A served round table after normal use and a few refused requests; what they answered."""
    directory = tmp_path_factory.mktemp("at-rest")
    paths, created = found(directory)
    server = Server(paths, directory / "serve.log")
    server.start()
    chair = Party(created["person_id"], created["token"], created["organisation_id"])
    client = server.client(chair.token)
    try:
        world = populate(client, chair)
        reads = read_everything(world)
        yield Served(server, world, reads, refused_requests(world))
    finally:
        client.close()
        server.stop()


def refused_requests(world: World) -> list[str]:
    """Requests that carry personal data and fail: too long, malformed, of the wrong shape."""
    s = world.secrets
    path = f"/v1/cases/{world.other_case_id}/contributions"
    headers = {"Authorization": f"Bearer {world.chair.token}", "Content-Type": "application/json"}
    answers = []
    too_long = {"text": s.texts[0] + "x" * 20_001, "tlp": "GREEN"}
    response = world.request("POST", path, world.chair, too_long)
    assert response.status_code == 422
    assert "text" in response.json()["detail"][0]["loc"]
    answers.append(response.text)
    for body in (
        f'{{"text": "{s.texts[1]}", "tlp": ',  # not JSON
        f'{{"text": "{s.texts[2]}", "tlp": "{s.texts[3]}"}}',  # no such label
        f'{{"text": ["{s.texts[4]}"], "tlp": "GREEN"}}',  # not a string
        f'{{"text": "{s.texts[5]}", "tlp": "RED"}}',  # RED needs a meeting or recipients
    ):
        response = world.client.post(path, content=body.encode(), headers=headers)
        assert response.status_code == 422, response.text
        answers.append(response.text)
    response = world.request("POST", "/v1/cases", world.chair,
                             {"subject": {"name": s.subject, "birth_year": 1066}})
    assert response.status_code == 422
    answers.append(response.text)
    response = world.request("POST", f"/v1/cases/{world.case_id}/close", world.chair,
                             {"reason": s.close_reason})
    assert response.status_code == 409  # closed already
    answers.append(response.text)
    response = world.request("POST", f"/v1/cases/{world.other_case_id}/actions", world.chair,
                             {"description": s.action, "assignee_organisation_id": world.youth})
    assert response.status_code == 422  # not on the case table
    answers.append(response.text)
    return answers


def test_no_file_of_the_data_directory_holds_personal_data_while_the_server_runs(
    served: Served,
) -> None:
    data, world = served.server.paths.data, served.world
    names = [p.name for p in files_under(data)]
    assert any(n.endswith("-wal") for n in names)  # the write-ahead logs are searched too
    assert leaks(data, ["Youth work"]) != []  # the search finds what is stored in the clear
    assert leaks(data, world.secrets.all() + world.other.all()) == []


def test_error_answers_never_echo_personal_data(served: Served) -> None:
    world = served.world
    # The reads show the text to who may see it (so the search works); refusals never do.
    assert world.secrets.subject in served.reads
    assert world.secrets.texts[0] in served.reads
    assert text_leaks("\n".join(served.refused), world.secrets.all()) == []


def test_the_server_log_holds_no_personal_data(served: Served) -> None:
    log, world = served.server.log(), served.world
    assert '"status": 422' in log  # one JSON line per request (api/ops.py)
    assert '"status": 201' in log
    assert text_leaks(log, world.secrets.all() + world.other.all()) == []


def test_no_file_holds_personal_data_once_the_server_has_stopped(served: Served) -> None:
    server, world = served.server, served.world
    server.stop()  # checkpoints the write-ahead logs into the databases
    assert leaks(server.paths.data, world.secrets.all() + world.other.all()) == []
    assert text_leaks(server.log(), world.secrets.all()) == []
