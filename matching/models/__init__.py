"""Matching (M1-M10): per-program settings, exclusions, stored runs and their proposals,
pairings with their responsiveness clock, calibration, rematch requests and reports,
cohort circles, and the network directory with time-banking credits. One module per area."""

from .circles import Circle, CircleMentee
from .directory import Offering, OfferingCompetency, OfferingRequest, TimeCredit
from .pairings import CalibrationCheck, Pairing, PairingQuerySet, RematchRequest, UnresponsiveReport
from .runs import WEIGHT_FIELDS, Exclusion, MatchingSettings, MatchRun, Proposal, RejectedPair

__all__ = [
    "WEIGHT_FIELDS",
    "CalibrationCheck",
    "Circle",
    "CircleMentee",
    "Exclusion",
    "MatchRun",
    "MatchingSettings",
    "Offering",
    "OfferingCompetency",
    "OfferingRequest",
    "Pairing",
    "PairingQuerySet",
    "Proposal",
    "RejectedPair",
    "RematchRequest",
    "TimeCredit",
    "UnresponsiveReport",
]
