"""What the demo's mentors and trainees wrote, in the seeds' words: on-the-floor sessions
(debrief, observation, three corrections, a micro-habit), remote reviews (metrics and one
clip, a cue to refine, a practice target), the cohort's weekly module, pulse comments and
kudos. ``{mentee}`` and ``{mentor}`` are the first names of the pair.

Each list is read in turn by the session's place in its pairing's history, so a trainee's
notes move from the basics (cue timing, the goblet squat) to leading a session alone.
"""

# --- on-the-floor sessions: one entry per session in the pairing's history --------------

ON_THE_FLOOR = [
    {
        "Brief debrief": (
            "{mentee} wants to run the 07:00 client's lower-body session start to finish. "
            "Goals: a warm-up that stays under eight minutes, and cues on the goblet squat "
            "that the client can act on without a demo."
        ),
        "Observation": (
            "Warm-up ran 11 minutes. Cues on the squat came after the rep, not before it "
            "(3 of 5 sets). Demonstrated four times; the client watched more than moved. "
            "Good rapport: asked about the knee before loading."
        ),
        "Reflective feedback": (
            "Went through the clip markers together. {mentee} saw the late cues at once. "
            "We agreed to fix the timing first and leave the wording for next week."
        ),
        "corrections": [
            "Give the cue before the descent, not after the rep.",
            "Demonstrate once, then coach from the side: let the client move.",
            "Cut the warm-up to three drills and time it.",
        ],
        "habit": ("Write tomorrow's three key cues on a card before the first client.", "daily"),
    },
    {
        "Brief debrief": (
            "Goal for today: choose the regression on the split squat without looking at me. "
            "{mentee} has two clients this morning; we watch the second."
        ),
        "Observation": (
            "Client lost balance on rep 2. {mentee} paused, then looked over to me before "
            "changing anything: prompted once. Chose a supported split squat on the second "
            "set without a prompt. Cues shorter: 'knee over toes', 'push the floor away'."
        ),
        "Reflective feedback": (
            "Talked through why the supported version worked and what the next step up is. "
            "{mentee} is calmer when a plan B is ready before the session."
        ),
        "corrections": [
            "Decide the regression before the set when the client looks unsteady.",
            "Change one variable at a time: range first, then load.",
            "Tell the client why you changed the exercise in one sentence.",
        ],
        "habit": ("Plan one regression and one progression for each main lift.", "weekdays"),
    },
    {
        "Brief debrief": (
            "{mentee} led the session plan alone this week and sent it the night before. "
            "Goal: keep the session on time and finish with a check-in, not a rush."
        ),
        "Observation": (
            "On time to the minute. Cueing mostly before the rep now; two long cues left on "
            "the hinge. Picked a kettlebell deadlift regression unprompted. The closing "
            "check-in was short but the client booked the next two sessions on the spot."
        ),
        "Reflective feedback": (
            "Compared today's clip with week one side by side: {mentee} counted the words "
            "in each cue and rewrote the hinge cue to three."
        ),
        "corrections": [
            "Keep hinge cues to three words: 'hips back, proud chest'.",
            "Leave two minutes for the check-in; start it before the cool-down ends.",
            "Ask the client to rate effort out of ten after the main set.",
        ],
        "habit": ("Ask every client one check-in question at the end of the session.", "daily"),
    },
    {
        "Brief debrief": (
            "A returning client after a shoulder niggle. {mentee}'s goal: adapt the pressing "
            "on the fly and explain the change with confidence."
        ),
        "Observation": (
            "Swapped the overhead press for a landmine press before the first set, with a "
            "clear reason given to the client. No prompts needed. One moment of "
            "over-coaching on the row: four cues in one rep."
        ),
        "Reflective feedback": (
            "{mentee} named the over-coaching before I did. We talked about choosing the "
            "one cue that matters most and letting the rest go for this set."
        ),
        "corrections": [
            "One cue per rep: pick the one that changes the movement most.",
            "Write the pressing swap into the client's plan so the next trainer sees it.",
            "Re-test the shoulder range at the end, not only at the start.",
        ],
        "habit": ("Film one set of a client's session and count the cues given.", "per_week:3"),
    },
    {
        "Brief debrief": (
            "Dress rehearsal for the independent evaluation: {mentee} runs the whole 45 "
            "minutes, I stay at the desk unless it is unsafe."
        ),
        "Observation": (
            "Did not need me once. Regressions chosen before the set twice. Cues short and "
            "early. The client stayed 10 minutes after to book a block of six. Only gap: the "
            "warm-up crept back to 10 minutes."
        ),
        "Reflective feedback": (
            "Ready for the evaluation in week 7 on technique; the warm-up timing is the one "
            "thing left. {mentee} will run two sessions alone before then."
        ),
        "corrections": [
            "Set a timer on the warm-up: eight minutes, then move on.",
            "Keep the client's numbers in the plan after every session, not at the week's end.",
            "Close with the next session's goal, in the client's words.",
        ],
        "habit": ("Start the warm-up timer as the client walks in.", "weekdays"),
    },
]

# --- remote reviews ---------------------------------------------------------------------

REMOTE_REVIEW = [
    {
        "Metrics and clip": (
            "Exported metrics from Tuesday: 14 sets coached, average rest 2:40 (target 2:00). "
            "Clip: goblet squat, set 3. {mentee} spotted the cue landing on the way up."
        ),
        "cue": "'Sit between your heels' before the descent, said once.",
        "practice_target": "Cue before the rep on 8 of 10 squat sets this week.",
    },
    {
        "Metrics and clip": (
            "Bar speed on the client's trap-bar deadlift is up at the same load since the hinge "
            "cue changed. Clip of the last set: clean, one cue, well timed."
        ),
        "cue": "'Push the floor away' instead of 'lift with your legs'.",
        "practice_target": "Use the new hinge cue with all three morning clients.",
    },
    {
        "Metrics and clip": (
            "Client retention sheet: 5 of {mentee}'s 6 clients rebooked this month. Clip of a "
            "check-in at the end of a session: good questions, a little rushed."
        ),
        "cue": "'What felt strongest today?' as the first check-in question.",
        "practice_target": "Two-minute check-in at the end of every session this week.",
    },
]

# Notes of a session's other blocks when they ask for notes (micro-mentoring, calibration).
MICRO = [
    {
        "Context": (
            "Read {mentee}'s pre-work together: a client who cancels on Mondays. We agreed "
            "the one question: how to raise it without sounding like a telling-off."
        ),
        "Micro-outcome": (
            "Rehearsed the first minute of the conversation twice, once with the client "
            "agreeable and once not. {mentee} settled on opening with the client's goal."
        ),
        "micro_outcome": "The first two sentences of the cancellation conversation, written down.",
        "action": "Have the conversation with the Monday client and tell me how it went.",
    },
]

# --- actions agreed at the end of sessions -------------------------------------------------

ACTIONS = [
    "Send me the clip of Thursday's squat set before Friday's review.",
    "Finish the 'Cueing in three words' module and rewrite your three longest cues.",
    "Write the regression plan for the returning shoulder client.",
    "Book a shadowing hour with Leila on the evening team.",
    "Update the client's plan with today's numbers.",
    "Draft the warm-up for the independent evaluation and share it.",
]

# --- pulse comments and kudos ---------------------------------------------------------------

PULSE_COMMENTS_MENTEE = [
    "The clip markers made the late cues obvious. Very useful.",
    "Good to have a plan B ready before the session.",
    "",
    "Short and concrete: three things I can do tomorrow.",
    "Felt rushed at the end, but the corrections were spot on.",
    "",
    "I finally see why one cue beats four.",
]
PULSE_COMMENTS_MENTOR = [
    "{mentee} came prepared; the plan the night before helps.",
    "",
    "We ran over by five minutes: keep the debrief tighter.",
    "Big step on regressions this week.",
]
KUDOS_TO_MENTOR = [
    "Thank you, {mentor}, for watching the whole session and saying only the three things "
    "that mattered.",
    "The side-by-side clips were an eye-opener. Thanks {mentor}!",
    "Thanks for making time before your own 07:00 client.",
]
KUDOS_TO_MENTEE = [
    "Brilliant session, {mentee}: not one prompt needed on the regressions.",
    "{mentee}'s check-ins are now the best on the floor. Well done.",
]

# --- the cohort's weekly module (the 8-week rollout) ----------------------------------------

WEEKLY_MODULE = [
    {
        "Module": (
            "Week 1: baseline assessments explained, the technique-consistency rubric walked "
            "through criterion by criterion. Module assigned: the on-the-floor session script."
        ),
        "Mentor office hours": (
            "Questions on filming clients: consent forms, angles, keeping clips under two minutes."
        ),
        "peer_critique": (
            "First practice cue round: most cues over ten words. Peers picked out the "
            "clearest one and why it worked."
        ),
    },
    {
        "Module": (
            "Week 2: cueing in three words. Everyone recorded one exercise and counted the "
            "words in each cue; the longest were rewritten together."
        ),
        "Mentor office hours": (
            "How to ask a mentor for feedback on the floor without stopping the client's set."
        ),
        "peer_critique": (
            "Clip of a goblet squat set: cue timing good, the demo repeated too often. Peers "
            "suggested one demonstration, then coach from the side."
        ),
    },
    {
        "Module": (
            "Week 3: choosing regressions and progressions. One variable at a time: range, "
            "load, tempo, stability. Paired sessions on the floor start this week."
        ),
        "Mentor office hours": (
            "Regressions for clients with knee pain; when to stop and refer to the physio."
        ),
        "peer_critique": (
            "Split-squat regression chosen live in a role-play: the group liked the "
            "explanation to the client, short and calm."
        ),
    },
    {
        "Module": (
            "Week 4: keeping clients past month three. The case study of the client through "
            "a plateau; the first four check-ins and the signs a client is drifting."
        ),
        "Mentor office hours": "Reading the retention sheet and what to do with a no-show.",
        "peer_critique": (
            "A check-in role-play: good questions, but the trainer answered them for the "
            "client. Peers: count to three before filling a silence."
        ),
    },
    {
        "Module": (
            "Week 5: remote reviews. Exporting session metrics, choosing one short clip, and "
            "agreeing one repeatable cue to refine and a practice target."
        ),
        "Mentor office hours": "Velocity trackers: where to clip them, and which numbers matter.",
        "peer_critique": (
            "Two clips compared side by side, week 1 and week 5: fewer words, earlier cues. "
            "Peers asked for the warm-up to be timed as well."
        ),
    },
    {
        "Module": (
            "Week 6: the independent evaluation in week 7 explained: what the assessors "
            "watch, the rubric threshold, and how certification works."
        ),
        "Mentor office hours": "Dress rehearsals: who runs one alone before the evaluation.",
        "peer_critique": (
            "Full session plan presented for the evaluation: clear goals, a plan B for each "
            "main lift. Peers suggested a shorter warm-up."
        ),
    },
]

CANCEL_REASON = "Covering the evening classes all week; I will propose a new time."
RESCHEDULE_REASON = "My shift moved to the afternoon: the earlier slot no longer works."
NO_SHOW_NOTE = "Waited 15 minutes at the rack; no message."
PRIVATE_NOTE = (
    "Confidence dips when I am watching: step further back next time. Consider the "
    "shadowing day before the evaluation."
)
PRE_WORK = [
    "The client who cancels every Monday again this week. I want to raise it without "
    "losing her: what do I say in the first minute?",
    "I keep running over time in the warm-up. I have tried a timer but I forget to start it.",
]
