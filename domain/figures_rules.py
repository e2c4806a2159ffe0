"""The policy level's suppression rule: small counts could point at a person.

Pure functions over plain values. A count from 1 to 4 is shown as "<5" (0 stays 0, since
nothing can be learned from an empty cell); a median over fewer than 5 closed cases is not
shown at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

SUPPRESSED = "<5"
THRESHOLD = 5


def suppress(count: int) -> int | str:
    """The count as the policy level may see it."""
    if count < 0:
        raise ValueError("a count is never negative")
    return SUPPRESSED if 0 < count < THRESHOLD else count


def suppressed_median(values: Sequence[int]) -> float | None:
    """The median of `values`, or None under `THRESHOLD` values."""
    return float(median(values)) if len(values) >= THRESHOLD else None
