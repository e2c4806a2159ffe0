"""Before and after in one run: this tree's service and another source tree's (a checkout of
the older code, e.g. `git worktree add /tmp/old main`), each on a copy of one data directory,
and the bare app, read in turns by 4 and by 16 clients.
.venv/bin/python scripts/compare_reads.py /tmp/old [--seconds 4]"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench import BARE_APP, CONNECTIONS, THREADS, Child, found, reads

from roundtable.bootstrap import Paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", help="the other source tree (its roundtable package is served)")
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rt-compare-") as tmp:
        here, there = (Paths(Path(tmp) / n, Path(tmp) / n / "keys") for n in ("here", "there"))
        info = found(here, 1_000, 0)
        shutil.copytree(here.data, there.data)
        (Path(tmp) / "bare.py").write_text(BARE_APP)
        serve = ["-m", "roundtable.cli", "serve", "--data"]
        children = [Child([*serve, str(here.data), "--port"], "/v1/me"),
                    Child([*serve, str(there.data), "--port"], "/v1/me", source=args.other),
                    Child([f"{tmp}/bare.py"], "/items")]
        try:
            for clients in (THREADS, CONNECTIONS):
                new, old, bare = reads(children[:2], children[2], info, 3, args.seconds, clients)
                for name, r in (("this tree", new), (args.other, old), ("bare", bare)):
                    print(f"{clients:2} clients  {name:20} {r['rate']:7.0f}/s "
                          f"({r['rate'] / bare['rate']:.2f} of bare)  p50 {r['p50']:6.1f} ms  "
                          f"p99 {r['p99']:6.1f} ms ({r['p99'] / bare['p99']:.2f} of bare)")
        finally:
            for child in children:
                child.stop()


if __name__ == "__main__":
    main()
