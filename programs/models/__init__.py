"""Programs and cohorts (P1–P8). One module per area; all tenant-owned, all scoped."""

from .catalogue import (  # noqa: F401
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
    CharterAcknowledgement,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    Program,
)
from .cohorts import Cohort, Milestone, Participant, PendingEnrolment  # noqa: F401
from .intake import MenteeGoal, MenteeIntake, MentorIntake, MentorOffer, MentorReadiness  # noqa: F401
from .learning import (  # noqa: F401
    Assessment,
    AssessmentScore,
    Resource,
    ResourceAssignment,
    ResourceCompetency,
    ResourceCompletion,
    Rubric,
    RubricCriterion,
)
from .reminders import REMINDER_FIELDS, ProgramReminders  # noqa: F401
