"""The composition root: builds the store, the views, the keys and the services once."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from api.deps import Services
from domain.rules import utc_now
from projections.queries import Queries
from projections.runner import Catchup
from projections.store import ViewStore
from roundtable.commands import Commands
from roundtable.context import Context, RoundTableApplication
from roundtable.disclosures import DisclosureLog
from roundtable.reads import Reads
from roundtable.sealing import CaseKeyStore, Sealer, load_key_encryption_key


@dataclass(frozen=True)
class Paths:
    data: Path
    keys: Path

    @property
    def events(self) -> Path:
        return self.data / "events.sqlite"

    @property
    def views(self) -> Path:
        return self.data / "views.sqlite"

    @property
    def case_keys(self) -> Path:
        return self.data / "case-keys.sqlite"

    @property
    def disclosures(self) -> Path:
        return self.data / "disclosures.sqlite"

    @property
    def initialised(self) -> bool:
        return self.events.exists()


def resolve_paths(data: str | None, keys: str | None) -> Paths:
    data_dir = Path(data or os.environ.get("ROUNDTABLE_DATA") or "./roundtable-data")
    keys_dir = Path(keys or os.environ.get("ROUNDTABLE_KEYS") or data_dir / "keys")
    return Paths(data_dir.resolve(), keys_dir.resolve())


def event_store_env(paths: Paths) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(paths.events),
        "SQLITE_LOCK_TIMEOUT": "30",
    }


@dataclass
class Built:
    services: Services
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


def build(paths: Paths, clock: Callable[[], datetime] = utc_now) -> Built:
    """Open an initialised data directory. Refuses a missing or wrong key-encryption key."""
    kek = load_key_encryption_key(paths.keys)
    keys = CaseKeyStore(paths.case_keys, kek)
    app = RoundTableApplication(env=event_store_env(paths))
    store = ViewStore(paths.views)
    catchup = Catchup(store, app.recorder, app.mapper)
    ctx = Context(app=app, queries=Queries(store), catchup=catchup, sealer=Sealer(keys),
                  keys=keys, clock=clock)
    disclosures = DisclosureLog(paths.disclosures, clock)
    catchup.catch_up()
    services = Services(ctx=ctx, commands=Commands(ctx), reads=Reads(ctx, disclosures))
    return Built(services, [keys.close, disclosures.close, app.close])
