from .outcomes import OutcomeEvent
from .targets import ProgramIndicator

__all__ = ["OutcomeEvent", "ProgramIndicator"]
