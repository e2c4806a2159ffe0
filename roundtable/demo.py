"""A demo round table for an invented town of about 50,000 near Brussels (after Vilvoorde).

Town, organisations, professionals and subjects (pseudonymous initials) are all invented. The
tables below are applied through `Commands` in the order a round table works: partners, people,
cases (one a `situation` without a subject), meetings with an agenda (new / ongoing / to_close),
attendance with people excused and minutes, contributions (RED ones cited at a meeting by those
present), a change of sharing, a withdrawal, actions (some done, one `not_possible` with its
reason), feedback sheets for the police (one released, one refused), and last the signals, an
information request and notices of `demo_signals`. Only ids and tokens differ between runs
(dates count back from today, due dates lie ahead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain.ids import MeetingId
from domain.meetings_rules import AgendaItem
from domain.rules import Role, SharingRule, Tlp
from roundtable.bootstrap import Paths
from roundtable.commands import Commands
from roundtable.context import Caller, caller_from_row
from roundtable.demo_signals import add_signals
from roundtable.setup import Founding, initialise

TOWN = "Zennebeek"
FOUNDING = Founding(f"{TOWN} partners' round table", "Katrien Willems",
                    f"City of {TOWN}, prevention service", "local authority")

# key: (name, sector, kind, professional secrecy)
ORGANISATIONS: dict[str, tuple[str, str, str, bool]] = {
    "police": (f"Local police zone {TOWN}", "police", "formal", False),
    "sja": ("Sint-Jozefcollege (secondary school)", "education", "formal", False),
    "atz": (f"Atheneum {TOWN} (secondary school)", "education", "formal", False),
    "clb": (f"CLB {TOWN} (pupil guidance centre)", "pupil guidance", "formal", True),
    "cgg": ("CGG Zennedal (mental health centre)", "mental health", "formal", True),
    "ocmw": (f"OCMW {TOWN} (social welfare office)", "social welfare", "formal", True),
    "yw": ("Jeugdhuis De Brug (youth work)", "youth work", "formal", False),
    "mosque": ("Al-Nour mosque council", "community", "informal", False),
    "fc": (f"FC {TOWN} Sport (football club)", "sport", "informal", False),
}

# key: (name, organisation key, role); "chair" is made by `initialise`.
PEOPLE: dict[str, tuple[str, str, Role]] = {
    "police": ("Dirk Peeters, police information officer", "police", Role.MEMBER),
    "officer": ("Sara Janssens, neighbourhood officer", "police", Role.MEMBER),
    "sja": ("Hilde Maes, pupil care coordinator", "sja", Role.MEMBER),
    "sja_head": ("Tom Claes, deputy head", "sja", Role.MEMBER),
    "atz": ("Nadia El Amrani, pupil care coordinator", "atz", Role.MEMBER),
    "clb": ("Evelien Goossens, CLB psychologist", "clb", Role.MEMBER),
    "cgg": ("Dr. Jan Wouters, psychiatrist", "cgg", Role.MEMBER),
    "ocmw": ("Leen De Smet, social worker", "ocmw", Role.MEMBER),
    "street": ("Bilal Aarab, street worker", "yw", Role.MEMBER),
    "yw": ("Ine Mertens, youth work coordinator", "yw", Role.MEMBER),
    "mosque": ("Hassan Ouali, council secretary", "mosque", Role.MEMBER),
    "fc": ("Marc Vermeulen, youth coordinator", "fc", Role.MEMBER),
    "dpo": ("An Jacobs, data protection officer", "prev", Role.AUDITOR),
    "policy": ("Pieter Lemmens, prevention policy officer", "prev", Role.POLICY),
}
PARTNERS = ("police", "mosque")  # the two partners whose tokens the demo hands out

# key: (subject, birth year, summary, organisations on the case table)
CASES: dict[str, tuple[str, int, str, list[str]]] = {
    "youssef": ("Youssef B.", 2008, "Fourth-year pupil; worrying online behaviour signalled "
                "by his school.", ["police", "sja", "clb", "yw"]),
    "amine": ("Amine E.", 2013, "Son of a mother repatriated from a camp in north-east Syria "
              "in 2023; support for the children.", ["ocmw", "clb", "atz", "cgg"]),
    "kevin": ("Kevin D.", 2004, "Tension between Molenveld and Westwijk since last month's "
              "march; K. calls for a 'clean-up'.", ["police", "yw", "fc", "mosque"]),
    "lina": ("Lina M.", 2007, "Sudden withdrawal from friends and school; suspected online "
             "grooming by a recruiter.", ["atz", "clb", "cgg"]),
    "ilias": ("Ilias K.", 2005, "Early school leaver in an unofficial study circle; "
              "signalled by two informal partners.", ["police", "ocmw", "mosque", "fc"]),
}

# A community-level concern without a named subject: opened with `open_situation`.
# key: (title, summary, organisations on the case table)
SITUATIONS: dict[str, tuple[str, str, list[str]]] = {
    "march": ("Polarisation between Molenveld and Westwijk after the march",
              "Since last month's march young people of the two neighbourhoods provoke each "
              "other online and on the square; partners look for common ground.",
              ["police", "yw", "fc", "mosque"]),
}

NEW, ONGOING, TO_CLOSE = AgendaItem.NEW, AgendaItem.ONGOING, AgendaItem.TO_CLOSE
# key: (days before today, agenda, people present, people excused)
MEETINGS: dict[str, tuple[int, list[tuple[str, AgendaItem]], list[str], list[str]]] = {
    "m1": (27, [("youssef", NEW), ("amine", NEW), ("kevin", NEW), ("lina", NEW)],
           ["chair", "police", "sja", "atz", "clb", "cgg", "ocmw", "street"], ["mosque"]),
    "m2": (6, [("youssef", ONGOING), ("kevin", ONGOING), ("ilias", NEW), ("march", NEW),
               ("amine", TO_CLOSE)],
           ["chair", "police", "officer", "sja_head", "clb", "ocmw", "yw", "mosque", "fc"],
           ["atz"]),
}
PLACE, STARTS_AT = "Town hall, room 2", "14:00"
# (meeting, case of the agenda item, minutes, decisions); read by the chair and those present
MINUTES: list[tuple[str, str, str, list[str]]] = [
    ("m1", "youssef", "School, CLB and youth work follow Y. up together; the police keep "
     "their information to the table.", ["CLB refers Y. for an assessment"]),
    ("m2", "amine", "Support for the children now runs through the regular services (therapy, "
     "school, social welfare); nothing is left for the round table.",
     ["Proposed for closing; the chair closes the case if no partner objects within a week"]),
    ("m2", "march", "Police and youth work see the provocations move from the square to "
     "social media; the mosque council and the football club offer a joint activity.",
     ["Youth work and the club plan a mixed Friday tournament",
      "Back on the agenda next month"]),
]

# case: [(contributor, tlp, text, options)]. Options: meeting, to (recipients), orgs,
# secrecy, act (actionable_by), anon, expires (days from today), key (a name used below).
R, AS, A, G, C = Tlp.RED, Tlp.AMBER_STRICT, Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR
CONTRIBUTIONS: dict[str, list[tuple[str, Tlp, str, dict[str, Any]]]] = {
    "youssef": [
        ("chair", G, "Case opened after a signal from the school to our contact point.", {}),
        ("sja", A, "Since October Y. plays IS-style nasheed videos to classmates at break; two "
         "pupils told their mentor.", {"act": ["sja", "clb"]}),
        ("sja", G, "Attendance regular; marks dropped in three subjects since spring.", {}),
        ("police", AS, "Y. is in two Telegram channels spreading propaganda; no offence.", {}),
        ("police", R, "Federal police have a file on one channel administrator; do not mention "
         "the channels to the family.", {"meeting": "m1"}),
        ("clb", A, "Intake with Y. and mother: bullied and isolated since changing schools in "
         "2022.", {"secrecy": True}),
        ("street", G, "At the youth centre on Wednesdays, mostly the gaming room; quiet.", {}),
        ("street", A, "Asked a street worker whether 'defending the ummah' is allowed under "
         "Belgian law; conversation open.", {"act": ["yw"], "key": "y_yw"}),
        ("sja", C, "Media literacy week for all fourth years in spring; partners welcome.", {}),
        ("clb", A, "CLB proposes an assessment for social anxiety at the mental health centre; "
         "mother agrees.", {"act": ["clb"], "key": "y_clb"}),
        ("police", A, "Informal home visit by the neighbourhood officer within two weeks; please "
         "do not contact the family until then.", {"expires": 14}),
        ("sja", R, "Mother says the father was detained abroad in 2019; unverified, context "
         "only.", {"to": ["clb", "chair"]}),
        ("yw", G, "A buddy-project mentor is available from after the holidays.", {}),
        ("officer", AS, "No police contacts at the home address; no complaints.", {}),
    ],
    "amine": [
        ("ocmw", AS, "Mother on an integration income; housing stable; home visit every two "
         "weeks.", {"secrecy": True}),
        ("atz", A, "Started first year in September; quiet, good at maths, shy in class.", {}),
        ("clb", A, "Nightmares; draws scenes from the camp.", {"secrecy": True}),
        ("cgg", A, "Trauma-focused therapy started for A. and his sister; weekly, mother "
         "attends.", {"secrecy": True, "act": ["cgg"]}),
        ("cgg", R, "Mother disclosed suicidal thoughts last month; crisis plan agreed with the "
         "GP.", {"meeting": "m1"}),
        ("ocmw", G, "The family has a steady contact person at the social welfare office.", {}),
        ("atz", A, "Two classmates called A. 'son of a terrorist'; handled with a restorative "
         "talk.", {"act": ["atz", "clb"], "key": "a_bully"}),
        ("clb", A, "One discreet contact teacher for A.; nothing said to the class.",
         {"orgs": ["atz", "clb"]}),
        ("ocmw", A, "Mother asks for help with part-time work and Dutch lessons.",
         {"act": ["ocmw"], "key": "a_job"}),
        ("chair", A, "Proceedings against the mother run separately; we discuss support for "
         "the children only.", {}),
        ("ocmw", R, "Grandmother willing to take the children at weekends; not yet raised with "
         "the mother.", {"to": ["cgg", "clb"]}),
        ("atz", G, "The school's anti-bullying contact points were explained to the family.", {}),
    ],
    "kevin": [
        ("officer", A, "Three fights between the two neighbourhoods since; K. was at two.", {}),
        ("police", AS, "K. posts far-right memes in a local Facebook group (1,200 members); "
         "below the criminal threshold.", {"key": "k_fb"}),
        ("yw", G, "Friday-night football tournament starts, teams mixed across both areas.", {}),
        ("fc", G, "Pitch free on Friday nights; two volunteer coaches.",
         {"act": ["fc", "yw"], "key": "k_pitch"}),
        ("mosque", A, "Young men from the Westwijk talk about 'answering' the next march; "
         "elders calming them.", {"anon": True}),
        ("mosque", G, "Open day at the mosque in spring; Molenveld invited.", {"anon": True}),
        ("street", A, "Lost his warehouse job in August; evenings at the snack bar on the "
         "square with an older group.", {}),
        ("fc", A, "Played U19 until 2022; loyal but quick-tempered.", {"key": "k_u19"}),
        ("police", R, "One march organiser is known to State Security; stays in this meeting.",
         {"meeting": "m2"}),
        ("chair", C, "Neighbourhood dialogue at the Molenveld community centre; date TBC.", {}),
        ("street", A, "K. agreed to talk about a job-training programme; first meeting set.",
         {"act": ["yw"], "key": "k_yw"}),
        ("mosque", R, "A council member was threatened after the march; no complaint wanted.",
         {"to": ["chair", "police"], "anon": True}),
    ],
    "lina": [
        ("atz", A, "No PE or swimming since September; left her friends; absent Fridays.", {}),
        ("atz", AS, "A classmate showed messages in which an online 'sister' urges L. to cut "
         "ties with non-believers.", {"act": ["atz", "clb"], "key": "l_msgs"}),
        ("clb", A, "Conflict at home; wants to marry young; no acute danger.", {"secrecy": True}),
        ("cgg", A, "Intake planned; waiting time shortened after the risk assessment.",
         {"secrecy": True, "act": ["cgg"]}),
        ("clb", R, "L. asked that her parents are not told of her conversion; respected for "
         "now.", {"meeting": "m1"}),
        ("atz", G, "New trusted person for second-grade pupils; L. knows her.", {}),
        ("chair", A, "CLB reports back next meeting; case open for at least three months.", {}),
        ("atz", C, "All teachers trained on online grooming by extremist recruiters.", {}),
        ("cgg", R, "Depression in the mother's family; relevant to assessment.", {"to": ["clb"]}),
        ("clb", A, "Weekly CLB contact until the spring holidays; school reports absences the "
         "same day.", {"orgs": ["clb", "atz"], "expires": 60}),
        ("atz", A, "Marks stable; wants to go on to a nursing course.", {}),
    ],
    "ilias": [
        ("chair", G, "Opened after signals from two informal partners; both stay out of any "
         "police follow-up.", {}),
        ("mosque", A, "I. attends a study circle in a private flat, not linked to the mosque.",
         {"anon": True, "act": ["mosque"]}),
        ("police", AS, "The circle's teacher is on the local task force list; I. is not.", {}),
        ("ocmw", A, "On an activation path; missed three appointments.", {"act": ["ocmw"]}),
        ("fc", A, "Coached a youth team until spring; quit: 'mixed teams are forbidden'.", {}),
        ("fc", G, "The club would welcome I. back as a coach.", {"act": ["fc"]}),
        ("fc", A, "Old teammates ask after I.; club and council could reach out together.",
         {"orgs": ["fc", "mosque", "prev"]}),
        ("mosque", R, "The imam spoke with I.'s father; the family asks the mosque to stay in "
         "the background.", {"meeting": "m2", "anon": True}),
        ("ocmw", R, "Brother (14) said to join the circle too; unconfirmed.", {"to": ["chair"]}),
        ("police", A, "Police propose a joint talk with I. and his OCMW social worker.",
         {"act": ["police", "ocmw"], "key": "i_talk"}),
        ("mosque", C, "Sermons in Dutch and Arabic; partners welcome at the open Friday.", {}),
    ],
    "march": [
        ("officer", A, "Provocations on the square most Friday evenings; two groups of about "
         "ten, no violence since the second fight.", {}),
        ("yw", G, "Both youth centres agree to a joint Friday programme.", {"act": ["yw"]}),
        ("police", R, "A new counter-march is being planned in a closed group; shared only "
         "with those at this meeting.", {"meeting": "m2"}),
    ],
}
# After meeting 2 the police let youth work act on K.'s posts; the club withdraws a note
# (it had confused K. with his cousin).
SHARING_CHANGE = ("k_fb", "police", A, {"act": ["police", "yw"]})
WITHDRAWAL = ("k_u19", "fc")

# (case, description, assignee, due in days, based on, outcome or None); an outcome is
# (reported by, outcome, note: why it was not possible, or None)
Outcome = tuple[str, str, str | None]
DONE_BY = {key: (key, "done", None) for key in ("clb", "atz", "ocmw")}
ACTIONS: list[tuple[str, str, str, int, list[str], Outcome | None]] = [
    ("youssef", "Refer Y. for an assessment.", "clb", 14, ["y_clb"], DONE_BY["clb"]),
    ("youssef", "Follow up the conversation; introduce the buddy project.", "yw", 30,
     ["y_yw"], None),
    ("amine", "Class talk on bullying without naming A.", "atz", 7, ["a_bully"], DONE_BY["atz"]),
    ("amine", "Activation path and Dutch lessons for the mother.", "ocmw", 21, ["a_job"],
     DONE_BY["ocmw"]),
    ("kevin", "Invite K. to the Friday tournament and job training.", "yw", 21,
     ["k_fb", "k_yw", "k_pitch"], None),
    ("lina", "Talk with L. about the messages; agree a safety plan.", "clb", 7, ["l_msgs"],
     DONE_BY["clb"]),
    ("ilias", "Joint orientation talk with I. and his social worker.", "ocmw", 28,
     ["i_talk"], ("ocmw", "not_possible", "I. refused the invitation twice and the family "
                  "asked for time; the social worker keeps the activation appointments.")),
]

# who joins the football club at the case opened on its accepted signal (demo_signals)
SIGNAL_CASE_TABLE = ["yw", "clb"]

# (case, text for the police, answers in order: (person, None to consent or a reason to refuse))
FEEDBACK: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    ("youssef", "The round table took up the signal. School, pupil guidance and youth work "
     "follow Y. up together; no police step is asked at this stage. The chair keeps the "
     "neighbourhood officer informed of any change.",
     [("sja", None), ("clb", None), ("street", None)]),
    ("kevin", "Partners work with K. through sport and job training; the neighbourhood "
     "tensions are followed in the community dialogue. The chair will report back after the "
     "next meeting.",
     [("yw", None), ("fc", None), ("mosque", "The council cannot be seen to report on young "
      "men of the Westwijk to the police; it would end the elders' access to them.")]),
]


@dataclass
class _Demo:
    """The commands, and the ids the tables' keys stand for once created."""

    commands: Commands
    today: date
    orgs: dict[str, UUID] = field(default_factory=dict)
    people: dict[str, Caller] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    cases: dict[str, UUID] = field(default_factory=dict)
    meetings: dict[str, UUID] = field(default_factory=dict)
    named: dict[str, UUID] = field(default_factory=dict)
    signals: dict[str, UUID] = field(default_factory=dict)

    @property
    def chair(self) -> Caller:
        return self.people["chair"]


DEMO_STEPS = 7  # the founding and the six steps below, for a progress bar


def create_demo(paths: Paths, today: date | None = None,
                advance: Callable[[int], None] = lambda _: None) -> dict[str, Any]:
    """Create `paths` holding the demo round table; tokens for the chair, two partners, the
    auditor and the policy officer."""
    built, created = initialise(paths, FOUNDING)  # raises AlreadyInitialised: nothing changed
    advance(1)
    try:
        demo = _Demo(built.services.commands, today or date.today())
        demo.orgs["prev"] = UUID(created["organisation_id"])
        demo.people["chair"] = _caller(demo.commands, UUID(created["person_id"]))
        demo.tokens["chair"] = created["token"]
        for step in (_add_directory, _add_cases, _add_contributions, _add_actions,
                     _add_feedback, _add_signals):
            step(demo)
            advance(1)
    finally:
        built.close()
    return {
        "data": str(paths.data),
        "chair": {"name": FOUNDING.chair, "token": demo.tokens["chair"],
                  "person_id": created["person_id"]},
        "partners": [{"name": PEOPLE[key][0], "organisation": ORGANISATIONS[PEOPLE[key][1]][0],
                      "token": demo.tokens[key], "person_id": str(demo.people[key].id)}
                     for key in PARTNERS],
        # The two of the prevention service who see no case: the auditor (the data protection
        # officer) and the policy officer (figures only).
        **{role: {"name": PEOPLE[key][0], "organisation": FOUNDING.organisation,
                  "token": demo.tokens[key], "person_id": str(demo.people[key].id)}
           for role, key in (("auditor", "dpo"), ("policy", "policy"))},
        "hint": f"curl -H 'Authorization: Bearer {demo.tokens['chair']}' "
        "http://127.0.0.1:8000/v1/cases",
    }


def _add_directory(demo: _Demo) -> None:
    for key, (name, sector, kind, secrecy) in ORGANISATIONS.items():
        demo.orgs[key] = demo.commands.register_organisation(
            demo.chair, name, sector, kind, secrecy).id
    first: dict[str, Caller] = {}
    for key, (name, org, role) in PEOPLE.items():
        person, demo.tokens[key] = demo.commands.register_person(
            demo.chair, name, demo.orgs[org], role)
        demo.people[key] = _caller(demo.commands, person.id)
        if not demo.people[key].facts.confirmed:  # the organisation's first person vouches
            demo.commands.confirm_person(first[org], person.id)
            demo.people[key] = _caller(demo.commands, person.id)
        first.setdefault(org, demo.people[key])


def _add_cases(demo: _Demo) -> None:
    for key, (subject, born, summary, table) in CASES.items():
        demo.cases[key] = demo.commands.open_case(demo.chair, subject, born, summary)[0].id
        for org in table:
            demo.commands.join_case(demo.chair, demo.cases[key], demo.orgs[org])
    for key, (title, summary, table) in SITUATIONS.items():
        demo.cases[key] = demo.commands.open_situation(demo.chair, title, summary)[0].id
        for org in table:
            demo.commands.join_case(demo.chair, demo.cases[key], demo.orgs[org])
    for key, (days_ago, agenda, present, excused) in MEETINGS.items():
        demo.meetings[key] = demo.commands.schedule_meeting(
            demo.chair, demo.today - timedelta(days=days_ago), starts_at=STARTS_AT,
            place=PLACE, agenda=[(demo.cases[case], item) for case, item in agenda]).id
        demo.commands.record_attendance(
            demo.chair, demo.meetings[key], [demo.people[p].id for p in present],
            [demo.people[p].id for p in excused])
    for meeting, case, text, decisions in MINUTES:
        demo.commands.record_minutes(demo.chair, demo.meetings[meeting], demo.cases[case],
                                     text, decisions)


def _add_contributions(demo: _Demo) -> None:
    for case, rows in CONTRIBUTIONS.items():
        for author, tlp, text, options in rows:
            made = demo.commands.contribute(
                demo.people[author], demo.cases[case], text, _rule(demo, tlp, options))
            if "key" in options:
                demo.named[options["key"]] = made.id
    key, author, tlp, change = SHARING_CHANGE
    demo.commands.change_sharing(demo.people[author], demo.named[key], _rule(demo, tlp, change))
    key, author = WITHDRAWAL
    demo.commands.withdraw(demo.people[author], demo.named[key])


def _add_actions(demo: _Demo) -> None:
    for case, text, assignee, due, grounds, outcome in ACTIONS:
        action = demo.commands.agree_action(
            demo.chair, demo.cases[case], text, demo.orgs[assignee],
            demo.today + timedelta(days=due), [demo.named[g] for g in grounds])
        if outcome is not None:
            by, result, note = outcome
            demo.commands.complete_action(demo.people[by], action.id, result, note)


def _add_feedback(demo: _Demo) -> None:
    for case, text, answers in FEEDBACK:
        sheet = demo.commands.draft_feedback(demo.chair, demo.cases[case], demo.orgs["police"],
                                             text)
        for person, reason in answers:
            demo.commands.answer_feedback(demo.people[person], sheet.id, reason is None, reason)


def _add_signals(demo: _Demo) -> None:
    """A signal accepted (a new case, the club on its table), one declined, a request
    declined, two notices; the chair then seats youth work and the CLB at the new case."""
    demo.signals = add_signals(demo.commands, demo.people, demo.cases)
    demo.cases["bram"] = demo.signals["accepted_case"]
    for org in SIGNAL_CASE_TABLE:
        demo.commands.join_case(demo.chair, demo.cases["bram"], demo.orgs[org])


def _caller(commands: Commands, person_id: UUID) -> Caller:
    row = commands.ctx.queries.person(person_id)
    assert row is not None
    return caller_from_row(row)


def _rule(demo: _Demo, tlp: Tlp, options: dict[str, Any]) -> SharingRule:
    """A sharing rule from one row's options, its keys resolved to ids."""

    def ids(field: str, table: dict[str, Any]) -> frozenset[Any] | None:
        return frozenset(table[k] for k in options[field]) if field in options else None

    people = {key: caller.id for key, caller in demo.people.items()}
    expires = options.get("expires")
    return SharingRule(
        tlp=tlp,
        meeting_id=MeetingId(demo.meetings[options["meeting"]]) if "meeting" in options
        else None,
        recipients=ids("to", people),
        organisations=ids("orgs", demo.orgs),
        secrecy_bound_only=options.get("secrecy", False),
        actionable_by=ids("act", demo.orgs),
        anonymous=options.get("anon", False),
        expires_at=None if expires is None else datetime.combine(
            demo.today + timedelta(days=expires), time(18), UTC),
    )
