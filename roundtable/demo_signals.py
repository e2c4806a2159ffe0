"""Demo signals, a declined information request and notices, for the demo round table.

To be called by `roundtable/demo.py` once its directory and cases exist: `add_signals(commands,
demo.people, demo.cases)` with the demo's keys (people "chair", "fc", "atz", "police", "clb";
case "youssef", whose case table holds the police and the CLB). Everything here is invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from roundtable.commands import Commands
from roundtable.context import Caller


@dataclass(frozen=True)
class DemoSignal:
    by: str
    subject: str
    born: int
    title: str
    concern: str
    reason: str


@dataclass(frozen=True)
class DemoRequest:
    case: str
    by: str
    to: str
    question: str
    cannot: str


# The football club raises a concern about a player; the chair opens a case on it.
ACCEPTED = DemoSignal(
    by="fc",
    subject="Bram V.",
    born=2008,
    title="U19 player withdrawing from the team",
    concern="Since the summer B. refuses to shake hands with the girls' team, calls two "
    "teammates 'kuffar' and spends his evenings with the older group at the snack bar on the "
    "square.",
    reason="A new case for the next round table; the club sits at its case table.",
)
# A school raises what is no sign of radicalisation; the chair declines, saying why (the
# coordinators' first don't: no polarising labels).
DECLINED = DemoSignal(
    by="atz",
    subject="Sofia R.",
    born=2010,
    title="Pupil started wearing a headscarf",
    concern="S. wears a headscarf since September and no longer joins the swimming lessons.",
    reason="A change in religious practice is not a sign of radicalisation and no matter for "
    "the round table. Talk about the swimming lessons with S. and her parents as with any "
    "pupil; raise it again if anything else worries you.",
)
# The police ask the pupil guidance centre; it cannot share, and says why.
REQUEST = DemoRequest(
    case="youssef",
    by="police",
    to="clb",
    question="Has Y. mentioned contacts from the Telegram channels in his intake "
    "conversations?",
    cannot="We cannot share this, because it was said in a confidential counselling "
    "conversation under professional secrecy. We will ask Y. whether he agrees to tell the "
    "neighbourhood officer himself.",
)
NOTICES = [
    ("GREEN", "Next round table: first Thursday of the month, 14:00, town hall room 2. New "
     "signals to the chair by the Monday before."),
    ("CLEAR", "Training 'Recognising online grooming by extremist recruiters' for all "
     "partners, 12 March, 9:00-12:00, at the youth centre De Brug."),
]


def add_signals(
    commands: Commands, people: Mapping[str, Caller], cases: Mapping[str, UUID]
) -> dict[str, UUID]:
    """Raise and triage the two signals, ask and decline the request, post the notices;
    returns the ids made (keys: accepted, accepted_case, declined, request)."""
    chair = people["chair"]
    made: dict[str, UUID] = {}
    for key, signal in (("accepted", ACCEPTED), ("declined", DECLINED)):
        subject = {"name": signal.subject, "birth_year": signal.born}
        made[key] = commands.raise_signal(people[signal.by], subject, signal.title,
                                          signal.concern).id
    triaged = commands.triage_signal(chair, made["accepted"], "accept", ACCEPTED.reason, None,
                                     None)
    assert triaged.case_id is not None
    made["accepted_case"] = triaged.case_id
    commands.triage_signal(chair, made["declined"], "decline", DECLINED.reason, None, None)
    asked = commands.ask_request(people[REQUEST.by], cases[REQUEST.case],
                                 people[REQUEST.to].organisation_id, REQUEST.question)
    commands.decline_request(people[REQUEST.to], asked.id, REQUEST.cannot)
    made["request"] = asked.id
    for tlp, text in NOTICES:
        commands.post_notice(chair, text, tlp)
    return made
