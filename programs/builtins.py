"""Built-in starting points, from the seeds: blueprints an admin copies and edits, the
technique-consistency rubric, a starter competency taxonomy and level scale. Pure data."""

# Each blueprint: name, description, phases of (name, start_week, end_week, activities of
# (kind, title, due_week or None for the phase's end)).
BLUEPRINTS = {
    "trainer-8-week": {
        "name": "8-week trainer rollout",
        "description": (
            "Onboard new trainers: baseline assessments and module assignments, then paired "
            "sessions, remote reviews and micro-habits, then independent coaching evaluation "
            "and certification."
        ),
        "phases": [
            (
                "Baseline",
                1,
                2,
                [
                    ("assessment", "Baseline assessment: technique consistency", 1),
                    ("module", "Module assignments for weeks 1–2", 2),
                ],
            ),
            (
                "Paired practice",
                3,
                6,
                [
                    ("session", "Paired on-the-floor mentorship sessions", 4),
                    ("review", "Remote review of a session clip", 5),
                    ("habit", "Micro-habit assignments", 6),
                ],
            ),
            (
                "Independent coaching",
                7,
                8,
                [
                    ("evaluation", "Independent coaching evaluation", 7),
                    ("certification", "Certification", 8),
                ],
            ),
        ],
    },
    "plan-90-day": {
        "name": "90-day development plan",
        "description": (
            "A shared 90-day plan with concrete outcomes: set objectives and milestones in the "
            "first month, practise and get feedback in the second, show the outcome in the "
            "third."
        ),
        "phases": [
            (
                "Days 1–30: set direction",
                1,
                4,
                [
                    ("plan", "Kick-off: objectives, milestones and feedback preferences agreed", 1),
                    ("checkin", "Calibration call after the first month", 4),
                ],
            ),
            (
                "Days 31–60: practise",
                5,
                9,
                [
                    ("session", "Monthly check-in", 8),
                    ("module", "Stretch assignment or shadowing day", 9),
                ],
            ),
            (
                "Days 61–90: show the outcome",
                10,
                13,
                [
                    ("checkin", "Monthly check-in", 12),
                    ("evaluation", "90-day review of objectives", 13),
                ],
            ),
        ],
    },
}

TECHNIQUE_RUBRIC = {
    "name": "Technique consistency",
    "description": "Video-based rubric of a trainee's coaching technique (1 = rarely, 5 = always).",
    "scale_max": 5,
    "criteria": [
        ("Cueing", "Gives clear, timely cues the client can act on."),
        ("Demonstration", "Demonstrates movements correctly and consistently."),
        ("Regressions and progressions", "Chooses regressions and progressions without prompts."),
        ("Session flow", "Keeps the session on plan and on time."),
        ("Client rapport", "Builds trust; checks in on how the client feels."),
    ],
}

LEVELS = [
    (1, "Aware", "Knows what good looks like."),
    (2, "Practising", "Does it with guidance."),
    (3, "Proficient", "Does it well on their own."),
    (4, "Advanced", "Does it well in hard cases; coaches others informally."),
    (5, "Expert", "Sets the standard; teaches it."),
]

COMPETENCIES = {
    "Coaching craft": [
        "Cueing and demonstration",
        "Program design",
        "Regressions and progressions",
        "Session flow",
    ],
    "Client work": ["Client communication", "Client retention", "Motivational interviewing"],
    "Leadership": [
        "Giving feedback",
        "Delegation",
        "Stakeholder management",
        "Strategic thinking",
    ],
    "Operations": ["Scheduling and capacity", "Data-informed decisions"],
}
