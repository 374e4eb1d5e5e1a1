"""Sessions (S1–S7): templates, signal types, sessions with their blocks and outputs, pulse
answers, kudos and calendar feeds. One module per area; all tenant-owned, all scoped."""

from .calendar import CalendarFeed  # noqa: F401
from .feedback import PULSE_MIN_ANSWERS, PULSE_WORDS, Kudos, PulseAnswer  # noqa: F401
from .plans import (  # noqa: F401
    REVIEW_DAYS,
    HabitCheckIn,
    HabitPause,
    JournalComment,
    JournalEntry,
    Objective,
    ObjectiveRating,
    Plan,
    PlanComment,
    PlanEvent,
    PlanMilestone,
    PlanReview,
)
from .sessions import (  # noqa: F401
    ActionItem,
    Attendance,
    Correction,
    MicroHabit,
    OfficeHoursSlot,
    Session,
    SessionBlock,
    SignalValue,
)
from .signals import SignalType  # noqa: F401
from .templates import (  # noqa: F401
    PAIR_KINDS,
    Output,
    ProgramSessionTemplate,
    SessionKind,
    SessionTemplate,
    TemplateBlock,
)
