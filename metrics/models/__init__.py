from .outcomes import OutcomeEvent
from .snapshots import IndicatorPart, RecomputeRequest, Snapshot
from .targets import ProgramIndicator

__all__ = ["IndicatorPart", "OutcomeEvent", "ProgramIndicator", "RecomputeRequest", "Snapshot"]
