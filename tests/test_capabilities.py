"""The capability modules are gathered by inheritance (`Commands`, `Reads`, `Queries`,
`Projector`): two modules defining a method of the same name would silently shadow one another,
so no name may be defined by two of them."""

from __future__ import annotations

from typing import Any

import pytest

from projections.projector import Projector
from projections.queries import Queries
from roundtable.commands import Commands
from roundtable.reads import Reads

SHARED = {"SCHEMA"}  # each projection module declares its own tables under this name


@pytest.mark.parametrize("gathered", [Commands, Reads, Queries, Projector])
def test_no_two_capability_modules_define_the_same_name(gathered: type[Any]) -> None:
    owners: dict[str, list[str]] = {}
    for cls in gathered.__mro__[1:]:
        for name in vars(cls):
            if not name.startswith("__") and name not in SHARED:
                owners.setdefault(name, []).append(cls.__name__)
    assert {name: who for name, who in owners.items() if len(who) > 1} == {}
