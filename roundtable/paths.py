"""Where a deployment keeps its files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
    def audit(self) -> Path:
        """The disclosure log, its tree, and every signed checkpoint: durable, not derived."""
        return self.data / "audit.sqlite"

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


__all__ = ["Paths", "event_store_env", "resolve_paths"]
