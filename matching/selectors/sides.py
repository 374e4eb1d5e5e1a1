"""Which side of a pairing a person is on: the mentor, the mentee, or neither."""


def pairing_side(pairing, user):
    """'mentor' or 'mentee' when ``user`` is one of the pair, else None."""
    if pairing.mentor.user_id == user.pk:
        return "mentor"
    if pairing.mentee.user_id == user.pk:
        return "mentee"
    return None


def pairing_partner(pairing, user):
    """The other participant of the pair, seen from ``user`` (one of the two)."""
    return pairing.mentee if pairing_side(pairing, user) == "mentor" else pairing.mentor
