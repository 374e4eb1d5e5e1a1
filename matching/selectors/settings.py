"""A program's matching settings: a read (the row is created with the program, see
``matching.receivers``; migration 0007 created it for every older program)."""

from ..models import MatchingSettings


def matching_settings(*, program) -> MatchingSettings:
    """The program's matching settings. Never writes: should the row be missing, an unsaved
    instance with the defaults answers (a service that changes the settings saves it)."""
    found = MatchingSettings.objects.filter(
        organization_id=program.organization_id, program=program
    ).first()
    if found is None:
        found = MatchingSettings(organization_id=program.organization_id, program=program)
    return found
