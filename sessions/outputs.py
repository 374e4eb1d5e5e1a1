"""Which of the outputs a session's blocks ask for it has given (S4): pure, no database.

A block's ``outputs`` names what it asks the session to produce (``Output`` codes). Completing
a session lists what is missing (:func:`missing_outputs`); the mentor may still complete it
with a reason, and the session is then marked for the data-quality audit.

The rules, one per output:

- notes: every block that asks for notes has some;
- signals: at least one signal recorded;
- corrections: all of ``CORRECTIONS_ASKED`` written (the seeds: "3 actionable corrections");
- micro-habit, action items, attendance: at least one;
- a cue, a practice target, a follow-up date, a micro-outcome, a clip link, peer critique:
  the value is there.
"""

from dataclasses import dataclass, field

from .models.templates import Output

CORRECTIONS_ASKED = 3


@dataclass(frozen=True)
class BlockData:
    title: str
    outputs: tuple = ()
    has_notes: bool = False


@dataclass(frozen=True)
class SessionData:
    """What a session holds, in counts and yes/no: all that the check needs."""

    blocks: tuple = ()  # of BlockData, in order
    signals: int = 0
    corrections: int = 0
    habits: int = 0
    actions: int = 0
    attendance: int = 0
    values: frozenset = field(default_factory=frozenset)  # codes of the one-value outputs given


# The outputs that are one value of the session: given when the value is there.
VALUE_OUTPUTS = (
    Output.CUE,
    Output.PRACTICE_TARGET,
    Output.FOLLOW_UP_DATE,
    Output.MICRO_OUTCOME,
    Output.CLIP_LINK,
    Output.PEER_CRITIQUE,
)


@dataclass(frozen=True)
class Missing:
    code: str
    text: str


def outputs_asked(data):
    """The codes the blocks ask for, in the order they first appear."""
    asked = []
    for block in data.blocks:
        for code in block.outputs:
            if code in Output.values and code not in asked:
                asked.append(code)
    return asked


def outputs_given(data):
    """The set of Output codes ``data`` (a :class:`SessionData`) has given."""
    given = set()
    notes_blocks = [b for b in data.blocks if Output.NOTES in b.outputs]
    if notes_blocks and all(b.has_notes for b in notes_blocks):
        given.add(Output.NOTES.value)
    if data.signals > 0:
        given.add(Output.SIGNALS.value)
    if data.corrections >= CORRECTIONS_ASKED:
        given.add(Output.CORRECTIONS.value)
    if data.habits > 0:
        given.add(Output.MICRO_HABIT.value)
    if data.actions > 0:
        given.add(Output.ACTION_ITEMS.value)
    if data.attendance > 0:
        given.add(Output.ATTENDANCE.value)
    given |= {code.value for code in VALUE_OUTPUTS if code.value in data.values}
    return given


def missing_outputs(data):
    """The outputs the blocks ask for and ``data`` lacks, in the blocks' order, each with a
    sentence saying what is missing (notes name their blocks; corrections their count)."""
    given = outputs_given(data)
    missing = []
    for code in outputs_asked(data):
        if code in given:
            continue
        if code == Output.NOTES:
            titles = [b.title for b in data.blocks if Output.NOTES in b.outputs and not b.has_notes]
            text = "Notes in " + _and(f"\u201c{t}\u201d" for t in titles)
        elif code == Output.CORRECTIONS:
            text = f"Actionable corrections: {data.corrections} of {CORRECTIONS_ASKED} written"
        else:
            text = Output(code).label
        missing.append(Missing(code=code, text=text))
    return missing


def _and(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
