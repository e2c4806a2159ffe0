"""`roundtable retention`: erases the closed cases past retention, from cron, while `serve`
runs on the same data directory. The command uses the real clock, so does everything here."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from roundtable.sealing import CaseKeyMissing
from tests.privacy.support import (
    Party,
    Server,
    assert_erased,
    cli,
    has_key,
    key_store,
    leaks,
    ok,
    populate,
    text_leaks,
)
from tests.processes import found


@pytest.mark.slow
def test_retention_erases_closed_cases_past_retention_while_the_server_runs(
    tmp_path: Path,
) -> None:
    paths, created = found(tmp_path)
    server = Server(paths, tmp_path / "serve.log")
    server.start()
    chair = Party(created["person_id"], created["token"], created["organisation_id"])
    client = server.client(chair.token)
    data = str(paths.data)

    def events() -> int:
        return len(ok(world.get("/v1/audit/events?limit=1000", world.chair))["events"])

    try:
        world = populate(client, chair)  # the case is closed today, the other left open
        reference = ok(world.get(f"/v1/cases/{world.case_id}", world.chair))["reference"]
        other_reference = ok(world.get(f"/v1/cases/{world.other_case_id}",
                                       world.chair))["reference"]
        run = cli("retention", "--data", data)
        assert run.returncode == 0, run.stderr
        assert run.stdout == "nothing past retention\n"  # a year has not passed
        ok(client.put("/v1/settings", json={"retention_days_after_close": 0,
                                             "review_interval_days": 365}))
        before = events()

        run = cli("retention", "--data", data, "--dry-run")
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("would erase ")
        assert reference in lines[0]
        assert world.case_id in lines[0]
        assert events() == before
        assert has_key(paths, world.case_id)
        case = ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
        assert case["status"] == "closed"
        assert case["subject"]["name"] == world.secrets.subject

        # A process that holds the case key (cached) while cron erases the case.
        holder = key_store(paths)
        holder.get(UUID(world.case_id))
        run = cli("retention", "--data", data)
        assert run.returncode == 0, run.stderr
        try:
            with pytest.raises(CaseKeyMissing):
                holder.get(UUID(world.case_id))  # not served from its cache
        finally:
            holder.close()
        lines = run.stdout.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("erased ")
        assert reference in lines[0]
        assert other_reference not in run.stdout
        assert not has_key(paths, world.case_id)
        assert has_key(paths, world.other_case_id)
        assert_erased(world)  # the running server sees it on its next request
        assert events() == before + 1

        run = cli("retention", "--data", data)
        assert run.returncode == 0, run.stderr
        assert run.stdout == "nothing past retention\n"
        assert events() == before + 1
        assert ok(world.get("/v1/audit/verify", world.chair))["ok"] is True
    finally:
        client.close()
        server.stop()
    assert leaks(paths.data, world.secrets.all()) == []
    assert text_leaks(server.log(), world.secrets.all() + world.other.all()) == []
    assert cli("verify", "--data", data).returncode == 0
