"""Creating a data directory: the keys, the stores, the round table, its first chair."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.model import Organisation, Person, RoundTable
from domain.rules import Role, utc_now
from roundtable.audit.note import create_signing_key
from roundtable.bootstrap import Built, Paths, build
from roundtable.paths import keep_files_private
from roundtable.sealing import create_key_encryption_key


class AlreadyInitialised(Exception):
    """The data directory already holds a round table: init changes nothing."""


@dataclass(frozen=True)
class Founding:
    table: str
    chair: str
    organisation: str
    sector: str
    professional_secrecy: bool = False


def initialise(
    paths: Paths, founding: Founding, clock: Callable[[], datetime] = utc_now
) -> tuple[Built, dict[str, Any]]:
    """Create the store with the round table, the chair's organisation and the chair."""
    if paths.initialised:
        raise AlreadyInitialised(f"{paths.data} already holds a round table")
    if (paths.keys / "kek.key").exists():
        raise AlreadyInitialised(f"{paths.keys} already holds a key-encryption key")
    keep_files_private()
    paths.data.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_key_encryption_key(paths.keys)
    create_signing_key(paths.keys, f"roundtable/{uuid.uuid4().hex[:12]}")
    built = build(paths, clock)
    ctx = built.services.ctx
    table = RoundTable(id=uuid.uuid4(), name=founding.table, actor=None)
    organisation = Organisation(
        id=uuid.uuid4(), name=founding.organisation, sector=founding.sector, kind="formal",
        professional_secrecy=founding.professional_secrecy, actor=None,
    )
    chair = Person(id=uuid.uuid4(), name=founding.chair, organisation_id=organisation.id,
                   role=Role.CHAIR.value, confirmed=True, actor=None)
    organisation.staff(chair.id, None)
    ctx.save(table, organisation, chair)
    token = ctx.credentials.issue(chair.id)
    return built, {
        "table_id": str(table.id),
        "organisation_id": str(organisation.id),
        "person_id": str(chair.id),
        "token": token,
    }
