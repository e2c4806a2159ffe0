"""Progress of long commands on stderr (tqdm): shown on a terminal only, never in a pipe, a log
file or CI, and never with `--no-progress`; stdout stays what the command promises."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


def add_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar on stderr (none is shown unless stderr is a "
                        "terminal anyway)")


@contextmanager
def progress(args: argparse.Namespace, description: str, total: int | None,
             unit: str = "event") -> Iterator[Callable[[int], None]]:
    """A function that advances the bar by n; the bar closes when the block ends."""
    disable = True if getattr(args, "no_progress", False) else None  # None: only on a TTY
    with tqdm(total=total, desc=description, unit=unit, unit_scale=unit == "event",
              file=sys.stderr, disable=disable, mininterval=0.25, dynamic_ncols=True) as bar:

        def advance(n: int) -> None:
            bar.update(n)

        yield advance


__all__ = ["add_flag", "progress"]
