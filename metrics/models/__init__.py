from .outcomes import OutcomeEvent
from .snapshots import RecomputeRequest, Snapshot
from .targets import ProgramIndicator

__all__ = ["OutcomeEvent", "ProgramIndicator", "RecomputeRequest", "Snapshot"]
