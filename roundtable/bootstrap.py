"""The composition root: builds the store, the views, the keys and the services once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from api.deps import Services
from domain.rules import utc_now
from projections.queries import Queries
from roundtable.audit.disclosures import DisclosureLog
from roundtable.audit.note import load_signing_key
from roundtable.audit.service import Audit
from roundtable.auditing import Trail, open_views
from roundtable.commands import Commands, finish_erasures, finish_signal_keys
from roundtable.context import Context, RoundTableApplication
from roundtable.paths import Paths, event_store_env, resolve_paths
from roundtable.reads import Reads
from roundtable.sealing import CaseKeyStore, Sealer, load_key_encryption_key


@dataclass
class Built:
    services: Services
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


def build(
    paths: Paths, clock: Callable[[], datetime] = utc_now, *, project: bool = True
) -> Built:
    """Open an initialised deployment. Refuses a missing or wrong key-encryption key.

    `project=False` (API processes of a PostgreSQL deployment) leaves the views to the
    projection workers and only follows them."""
    kek = load_key_encryption_key(paths.keys)
    keys = CaseKeyStore(paths.case_keys, kek)
    app = RoundTableApplication(env=event_store_env(paths))
    signer = load_signing_key(paths.keys)
    store, catchup = open_views(app, paths, project=project)
    ctx = Context(app=app, queries=Queries(store), catchup=catchup, sealer=Sealer(keys),
                  keys=keys, clock=clock)
    disclosures = DisclosureLog(paths.audit, clock)
    finish_erasures(ctx)
    finish_signal_keys(ctx)
    trail = Trail(app, store, catchup, disclosures, signer)
    services = Services(ctx=ctx, commands=Commands(ctx), reads=Reads(ctx, disclosures),
                        audit=Audit(ctx, trail))
    return Built(services, [keys.close, disclosures.close, store.close, app.close])

__all__ = ["Built", "Paths", "build", "resolve_paths"]
