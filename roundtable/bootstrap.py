"""The composition root: builds the store, the views, the keys and the services once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from api.deps import Services
from domain.rules import utc_now
from projections.queries import Queries
from projections.runner import read_log
from roundtable.audit.disclosure_writer import DisclosureWriter
from roundtable.audit.disclosures import DisclosureLog
from roundtable.audit.note import load_signing_key
from roundtable.audit.service import Audit
from roundtable.auditing import Trail, open_views
from roundtable.callers import Callers, DataVersions
from roundtable.commands import Commands, finish_erasures, finish_signal_keys
from roundtable.context import Context, RoundTableApplication
from roundtable.paths import Paths, event_store_env, keep_files_private, resolve_paths
from roundtable.reads import Reads
from roundtable.sealing import Sealer, load_key_encryption_key
from roundtable.stores import backend_of

log = logging.getLogger("roundtable")


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
    keep_files_private()
    stores = backend_of(paths)  # what lives where: files of the data directory, or PostgreSQL
    for name in stores.adopt_files():
        log.warning("moved %s of %s into the database and deleted the file", name, paths.data)
    kek = load_key_encryption_key(paths.keys)
    # A key rotated while this runs (`roundtable rotate-key`) is picked up, not an error.
    keys = stores.case_keys(kek, reload=lambda: load_key_encryption_key(paths.keys))
    app = RoundTableApplication(env=event_store_env(paths))
    signer = load_signing_key(paths.keys)
    sealer = Sealer(keys)
    store, catchup = open_views(app, paths, project=project, unseal=sealer.open)
    credentials = stores.credentials()
    if credentials.created:
        credentials.import_v1(v1_token_hashes(app))
    ctx = Context(app=app, queries=Queries(store), catchup=catchup, sealer=sealer,
                  keys=keys, credentials=credentials, clock=clock)
    disclosures = DisclosureLog(stores.audit(), clock)
    finish_erasures(ctx)
    finish_signal_keys(ctx)
    trail = Trail(app, store, catchup, disclosures, signer)
    sessions = stores.sessions(clock)  # the web page's
    # Reads hand their records to one writer thread (group commit off the request threads).
    writer = DisclosureWriter(disclosures)
    # Callers are remembered per token while the embedded stores show no write (exact).
    callers = Callers(ctx, DataVersions([paths.events, paths.credentials])
                      if paths.database is None else None)
    services = Services(ctx=ctx, commands=Commands(ctx), reads=Reads(ctx, writer),
                        audit=Audit(ctx, trail), sessions=sessions, disclosure_writer=writer,
                        callers=callers)
    # The log signs itself: a checkpoint at most a second after any write, and on close.
    auto = trail.auto_signer()
    # Closed last to first: the writer commits what it holds before anything else closes.
    return Built(services, [sessions.close, keys.close, disclosures.close, credentials.close,
                            callers.close, store.close, app.close, auto.close, writer.close,
                            lambda: services.read_lane.shutdown(wait=True)])


def v1_token_hashes(app: RoundTableApplication) -> Iterator[tuple[UUID, str]]:
    """The token hashes that v1 `Person.Registered` events carried (read from the stored state,
    before the upcast drops them), for a credential store created on an older log."""
    for notification in read_log(app.recorder):
        if notification.topic.endswith(":Person.Registered"):
            state = app.mapper.transcoder.decode(notification.state)
            if state.get("token_hash"):
                yield UUID(str(notification.originator_id)), state["token_hash"]


__all__ = ["Built", "Paths", "build", "resolve_paths"]
