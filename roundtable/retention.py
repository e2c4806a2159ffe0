"""Retention: erase closed cases whose retention period has passed, and declined or referred
signals past `signal_retention_days` (run from cron)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.errors import ConflictError
from roundtable.commands import Commands, finish_signal_keys
from roundtable.context import Context


def due_for_erasure(ctx: Context) -> list[dict[str, Any]]:
    ctx.catchup.catch_up()
    table = ctx.queries.round_table()
    assert table is not None
    cutoff = ctx.clock().date() - timedelta(days=int(table["retention_days"]))
    return ctx.queries.closed_before(cutoff.isoformat())


def run_retention(ctx: Context, commands: Commands, *, dry_run: bool,
                  advance: Callable[[int], None] = lambda _: None) -> list[str]:
    """Erase (or, dry, list) every closed case past retention; returns one line per case
    (`advance(1)` after each, for a progress bar)."""
    lines = []
    for row in due_for_erasure(ctx):
        advance(1)
        label = f"{row['reference']} (case {row['id']}, closed {row['closed_on']})"
        if dry_run:
            lines.append(f"would erase {label}")
        else:
            try:
                commands.erase(UUID(row["id"]), None)
            except ConflictError:  # erased meanwhile, by a chair or an overlapping run
                lines.append(f"already erased {label}")
                continue
            lines.append(f"erased {label}")
    return lines + run_signal_retention(ctx, commands, dry_run=dry_run)


def signals_due_for_erasure(ctx: Context) -> list[dict[str, Any]]:
    ctx.catchup.catch_up()
    cutoff = ctx.clock().date() - timedelta(days=ctx.queries.signal_retention_days())
    return ctx.queries.signals_triaged_before(cutoff.isoformat())


def run_signal_retention(ctx: Context, commands: Commands, *, dry_run: bool) -> list[str]:
    """Erase (or, dry, list) the declined and referred signals past their retention, and
    destroy any signal key a crash left behind."""
    lines = []
    for row in signals_due_for_erasure(ctx):
        label = f"signal {row['id']} ({row['status']} {row['triaged_on']})"
        if dry_run:
            lines.append(f"would erase {label}")
            continue
        try:
            commands.erase_signal(UUID(row["id"]), None)
        except ConflictError:  # an overlapping run erased it meanwhile
            lines.append(f"already erased {label}")
            continue
        lines.append(f"erased {label}")
    if not dry_run:
        lines += [f"destroyed the leftover key of signal {s}" for s in finish_signal_keys(ctx)]
    return lines
