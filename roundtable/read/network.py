"""The network: which of the LIVC-R partner sectors sit at the round table, which are missing.

Organisation names and sectors are not personal data; this is for chairs and policy people.
"""

from __future__ import annotations

from domain.errors import NotPermittedError
from domain.rules import Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath

# The partners a local integrated security cell (LIVC-R) brings together.
LIVCR_SECTORS = ("police", "local authority", "education", "pupil guidance", "mental health",
                 "social welfare", "youth work", "community")


class NetworkReads(ReadPath):
    def network(self, caller: Caller) -> Json:
        if caller.role not in (Role.CHAIR, Role.POLICY) or not caller.facts.confirmed:
            raise NotPermittedError("only chairs and policy people read the network")
        return network(self.ctx.queries.organisations())


def network(organisations: list[Row]) -> Json:
    """Organisations grouped by sector, matched case-insensitively (and ignoring spaces around
    it); sectors outside the LIVC-R list are `other`, grouped the same way."""
    groups: dict[str, tuple[str, list[Json]]] = {}
    for o in organisations:
        key = " ".join(o["sector"].split()).casefold()
        label, members = groups.setdefault(key, (o["sector"].strip(), []))
        members.append({"id": o["id"], "name": o["name"]})
    sectors = [{"sector": s, "organisations": groups.get(s, ("", []))[1],
                "present": s in groups} for s in LIVCR_SECTORS]
    return {
        "sectors": sectors,
        "missing": [s["sector"] for s in sectors if not s["present"]],
        "other": [{"sector": label, "organisations": members}
                  for key, (label, members) in groups.items() if key not in LIVCR_SECTORS],
    }
