"""The demo's signals: one accepted into a case, one declined with its reason, and a request
declined with "we cannot share this, because…", read back through the HTTP API."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from domain.rules import Role
from roundtable.context import Caller, caller_from_row
from roundtable.demo_signals import ACCEPTED, DECLINED, NOTICES, REQUEST, add_signals
from tests.conftest import make_table


def test_the_demo_raises_two_signals_and_a_request_declined_with_its_reason(
    tmp_path: Path,
) -> None:
    table = make_table(tmp_path)
    commands = table.built.services.commands
    tokens = {"chair": table.chair_token}
    people = {"chair": _caller(table.built, table.chair_id)}
    for key in ("fc", "atz", "police", "clb"):
        org = commands.register_organisation(people["chair"], key, key, "formal", False).id
        person, tokens[key] = commands.register_person(people["chair"], key, org, Role.MEMBER)
        people[key] = _caller(table.built, str(person.id))
    youssef = commands.open_case(people["chair"], "Youssef B.", 2008, None)[0].id
    for key in ("police", "clb"):
        commands.join_case(people["chair"], youssef, people[key].organisation_id)
    try:
        made = add_signals(commands, people, {"youssef": youssef})

        def get(path: str, who: str) -> Any:
            response = table.client.get(path, headers=table.headers(tokens[who]))
            assert response.status_code == 200, response.text
            return response.json()

        (accepted,) = get("/v1/signals", "fc")
        assert (accepted["status"], accepted["reason"]) == ("accepted", ACCEPTED.reason)
        assert get(f"/v1/cases/{made['accepted_case']}", "fc")["subject"]["name"] == "Bram V."
        (declined,) = get("/v1/signals", "atz")
        assert (declined["status"], declined["reason"]) == ("declined", DECLINED.reason)
        (request,) = get("/v1/requests?from=mine", REQUEST.by)
        assert request["answer"] == {"declined": True, "reason": REQUEST.cannot}
        assert request["answer"]["reason"].startswith("We cannot share this, because")
        assert [n["text"] for n in get("/v1/notices", "police")] == [t for _, t in
                                                                      reversed(NOTICES)]
    finally:
        table.built.close()


def _caller(built: Any, person_id: str) -> Caller:
    row = built.services.ctx.queries.person(UUID(person_id))
    assert row is not None
    return caller_from_row(row)
