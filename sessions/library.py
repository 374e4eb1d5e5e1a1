"""The built-in library of session templates (S1), from the seeds, with their timings exactly.
Pure data: :func:`sessions.services.templates.library_install` gives every organisation its
copy (on creation, and by migration for the organisations that existed before)."""

from .models.templates import Output as O  # noqa: N814 - short names keep the table readable
from .models.templates import SessionKind

LIBRARY = [
    {
        "key": "on-the-floor",
        "name": "On-the-floor session",
        "kind": SessionKind.ONE_TO_ONE,
        "minutes": 30,
        "description": (
            "A 30-minute on-the-floor session: the trainee explains the goals, the mentor "
            "observes and notes signals, gives three actionable corrections and assigns a "
            "micro-habit."
        ),
        "blocks": [
            ("Brief debrief", 5, "The trainee explains the session's goals.", [O.NOTES]),
            (
                "Observation",
                10,
                "Observe the trainee at work and note the signals.",
                [O.NOTES, O.SIGNALS],
            ),
            (
                "Reflective feedback",
                10,
                "Give 3 actionable corrections, from documented cues and metrics.",
                [O.NOTES, O.CORRECTIONS],
            ),
            ("Micro-habit", 5, "Assign one micro-habit for improvement.", [O.MICRO_HABIT]),
        ],
    },
    {
        "key": "remote-review",
        "name": "Remote review",
        "kind": SessionKind.ONE_TO_ONE,
        "minutes": 20,
        "description": (
            "A 20-minute remote review of exported session metrics and one short clip, ending "
            "with one cue to refine, a practice target and a follow-up date."
        ),
        "blocks": [
            (
                "Metrics and clip",
                8,
                "Review the exported session metrics and one short clip together.",
                [O.NOTES, O.CLIP_LINK, O.SIGNALS],
            ),
            (
                "Cue to refine",
                6,
                "Agree one repeatable coaching phrase or cue to refine.",
                [O.CUE],
            ),
            (
                "Practice target",
                6,
                "Set a practice target and the follow-up date.",
                [O.PRACTICE_TARGET, O.FOLLOW_UP_DATE],
            ),
        ],
    },
    {
        "key": "micro-mentoring",
        "name": "Micro-mentoring session",
        "kind": SessionKind.MICRO,
        "minutes": 30,
        "min_minutes": 15,
        "max_minutes": 45,
        "requires_pre_work": True,
        "pre_work_prompt": (
            "Short context notes: the situation, what you tried, what you want from the session."
        ),
        "description": (
            "15 to 45 minutes on one bounded question: pre-work with short context notes, one "
            "micro-outcome, and an action-oriented close with one experiment or deliverable."
        ),
        "blocks": [
            ("Context", 5, "Read the pre-work together and agree the one question.", [O.NOTES]),
            (
                "Micro-outcome",
                18,
                "Work towards one bounded micro-outcome.",
                [O.NOTES, O.MICRO_OUTCOME],
            ),
            (
                "Action-oriented close",
                7,
                "Close with one tangible experiment or deliverable, with its due date.",
                [O.ACTION_ITEMS],
            ),
        ],
    },
    {
        "key": "cohort-weekly-module",
        "name": "Cohort weekly module",
        "kind": SessionKind.GROUP,
        "minutes": 90,
        "description": (
            "The cohort's weekly meeting: the module, mentor office hours, and peer critique."
        ),
        "blocks": [
            ("Module", 45, "Work through this week's module.", [O.ATTENDANCE, O.NOTES]),
            ("Mentor office hours", 25, "Mentors take questions from the cohort.", [O.NOTES]),
            (
                "Peer critique",
                20,
                "A participant presents; peers give their critique.",
                [O.PEER_CRITIQUE],
            ),
        ],
    },
    {
        "key": "monthly-check-in",
        "name": "Monthly check-in",
        "kind": SessionKind.ONE_TO_ONE,
        "minutes": 45,
        "description": (
            "A monthly look at the plan: progress, obstacles and the next month's actions."
        ),
        "blocks": [
            (
                "Progress",
                15,
                "Review progress against the plan's objectives.",
                [O.NOTES, O.SIGNALS],
            ),
            ("Obstacles", 15, "What got in the way, and what would help.", [O.NOTES]),
            ("Next month", 15, "Agree the actions for the coming month.", [O.ACTION_ITEMS]),
        ],
    },
    {
        "key": "shadowing-day",
        "name": "Shadowing day",
        "kind": SessionKind.ONE_TO_ONE,
        "minutes": 240,
        "description": "The mentee shadows the mentor at work, then both reflect on what was seen.",
        "blocks": [
            ("Briefing", 15, "Agree what the mentee will look for.", [O.NOTES]),
            ("Shadowing", 195, "The mentee shadows the mentor at work.", [O.NOTES]),
            (
                "Reflection",
                30,
                "Reflect on what was seen and agree what to try.",
                [O.NOTES, O.ACTION_ITEMS],
            ),
        ],
    },
    {
        "key": "calibration-call",
        "name": "Calibration call",
        "kind": SessionKind.ONE_TO_ONE,
        "minutes": 20,
        "description": (
            "A quick, optional call after the first month: how the pairing works for both "
            "sides, and what to adjust."
        ),
        "blocks": [
            ("How it is going", 5, "Each side says how the pairing works for them.", [O.NOTES]),
            ("Adjust", 10, "Adjust cadence, format and focus.", [O.NOTES, O.SIGNALS]),
            ("Agree", 5, "Agree the changes as actions.", [O.ACTION_ITEMS]),
        ],
    },
]


def check_library():
    """Every template's blocks add up to its length (a test calls this)."""
    for entry in LIBRARY:
        total = sum(block[1] for block in entry["blocks"])
        assert total == entry["minutes"], (entry["key"], total, entry["minutes"])
