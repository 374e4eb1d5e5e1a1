"""The pure output check (sessions/outputs.py): which outputs a session's blocks ask for it has
given, and the sentences of what is missing. No database."""

from sessions.outputs import (
    BlockData,
    SessionData,
    missing_outputs,
    outputs_asked,
    outputs_given,
)

FLOOR = (
    BlockData("Brief debrief", ("notes",)),
    BlockData("Observation", ("notes", "signals")),
    BlockData("Reflective feedback", ("corrections",)),
    BlockData("Micro-habit", ("micro_habit",)),
)


def test_nothing_given_lists_everything_in_the_blocks_order():
    data = SessionData(blocks=FLOOR)
    assert outputs_given(data) == set()
    assert [m.code for m in missing_outputs(data)] == [
        "notes",
        "signals",
        "corrections",
        "micro_habit",
    ]
    texts = [m.text for m in missing_outputs(data)]
    assert texts[0] == "Notes in \u201cBrief debrief\u201d and \u201cObservation\u201d"
    assert texts[2] == "Actionable corrections: 0 of 3 written"


def test_notes_are_given_only_when_every_block_that_asks_has_some():
    blocks = (BlockData("Brief debrief", ("notes",), True), BlockData("Observation", ("notes",)))
    data = SessionData(blocks=blocks)
    assert "notes" not in outputs_given(data)
    assert missing_outputs(data)[0].text == "Notes in \u201cObservation\u201d"
    done = SessionData(blocks=tuple(BlockData(b.title, b.outputs, True) for b in blocks))
    assert outputs_given(done) == {"notes"}
    assert missing_outputs(done) == []


def test_two_corrections_are_not_the_three_asked():
    data = SessionData(blocks=FLOOR, corrections=2)
    assert "corrections" not in outputs_given(data)
    assert "2 of 3" in [m.text for m in missing_outputs(data) if m.code == "corrections"][0]
    assert "corrections" in outputs_given(SessionData(blocks=FLOOR, corrections=3))


def test_everything_given():
    data = SessionData(
        blocks=tuple(BlockData(b.title, b.outputs, True) for b in FLOOR),
        signals=1,
        corrections=3,
        habits=1,
    )
    assert outputs_given(data) == {"notes", "signals", "corrections", "micro_habit"}
    assert missing_outputs(data) == []


def test_value_outputs_and_unknown_codes():
    blocks = (BlockData("Review", ("cue", "practice_target", "follow_up_date", "nonsense")),)
    assert outputs_asked(SessionData(blocks=blocks)) == ["cue", "practice_target", "follow_up_date"]
    data = SessionData(blocks=blocks, values=frozenset({"cue", "follow_up_date"}))
    assert [m.code for m in missing_outputs(data)] == ["practice_target"]
    assert missing_outputs(data)[0].text == "A practice target"


def test_what_no_block_asks_for_is_never_missing():
    data = SessionData(blocks=(BlockData("Talk", ()),))
    assert missing_outputs(data) == []
    assert outputs_given(SessionData(actions=2)) == {"action_items"}
