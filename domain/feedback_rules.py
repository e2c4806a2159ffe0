"""The feedback sheet (LIVC-R, art. 458ter Penal Code): pure rules over plain values.

A chair drafts a sheet for one organisation on the case table (the police); every *other*
organisation on the case table consents or refuses. The sheet is released at the consent that
completes the set, refused at the first refusal. The set is the case table as it is at each
answer (and at each departure from the table): an organisation that joins while consents come
in must consent too; one that leaves no longer needs to.

Who reads a sheet: every chair (they draft and coordinate), the people of the organisations on
the case table, and the addressee's people, who see the status and the consents but the text
only once it is released. No role here reads the case key: these functions decide, the service
unseals.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from typing import TypeVar

AWAITING = "awaiting_consent"
RELEASED = "released"
REFUSED = "refused"

# The audience key of every chair (the others are organisation ids).
CHAIRS = "chair"

# A draft may not repeat this many consecutive words of a protected contribution.
COPY_WORDS = 12

T = TypeVar("T")


def required_consents(table: Iterable[T], addressee: T) -> frozenset[T]:
    """The organisations whose consent a sheet needs: the case table but the addressee."""
    return frozenset(table) - {addressee}


def status(required: Collection[T], consented: Collection[T], refused: bool) -> str:
    """Refused at the first refusal; released once every required organisation consented
    (never vacuously: a sheet with nobody to consent stays awaiting)."""
    if refused:
        return REFUSED
    if required and set(required) <= set(consented):
        return RELEASED
    return AWAITING


def audience(table: Iterable[str], addressee: str, sheet_status: str,
             erased: bool) -> dict[str, bool]:
    """Who may read the sheet, by audience key (`CHAIRS` or an organisation id), each with
    whether it may read the text and the reasons. The addressee reads the text only once
    released; after erasure only chairs see that a sheet existed, with no text."""
    if erased:
        return {CHAIRS: False}
    found = {CHAIRS: True}
    found.update(dict.fromkeys(table, True))
    found[addressee] = sheet_status == RELEASED
    return found


# --- the copy check: a draft must not pass on what professionals shared under secrecy

_WORD = re.compile(r"[^\W_]+")  # a maximal run of letters and digits


def words(text: str) -> list[str]:
    """The words of a text, case-folded: maximal runs of letters and digits."""
    return [w.casefold() for w in _WORD.findall(text)]


def runs(tokens: list[str], length: int = COPY_WORDS) -> Iterator[tuple[str, ...]]:
    """Every run of `length` consecutive words."""
    for start in range(len(tokens) - length + 1):
        yield tuple(tokens[start:start + length])


def copies(draft_runs: set[tuple[str, ...]], source: str) -> bool:
    """Whether the draft (its runs of `COPY_WORDS` words) repeats a run of the source."""
    return any(run in draft_runs for run in runs(words(source)))


def protected(tlp: str, withdrawn: bool) -> bool:
    """A contribution a draft may not copy: not withdrawn, and not GREEN or CLEAR (whoever
    may see it: the chair drafting need not)."""
    return not withdrawn and tlp not in ("GREEN", "CLEAR")
