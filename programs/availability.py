"""Weekly availability as slots: a day and a part of the day, in the person's time zone.

Coarse on purpose: people answer "Tuesday mornings" far more reliably than hour grids, and
matching only needs overlap. A slot converts to hours of the week (0..167, Monday 00:00 = 0)
in UTC for comparing people in different time zones.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
]
BLOCKS = [("am", "Morning", 8, 12), ("pm", "Afternoon", 12, 17), ("eve", "Evening", 17, 20)]
SLOT_CHOICES = [
    (f"{day}-{block}", f"{day_label} {block_label.lower()}")
    for day, day_label in DAYS
    for block, block_label, _, _ in BLOCKS
]
SLOT_CODES = {code for code, _ in SLOT_CHOICES}


def slot_hours(slot):
    """Local hours of the week (0..167) that a slot covers."""
    day, block = slot.split("-")
    day_index = [d for d, _ in DAYS].index(day)
    start, end = next((s, e) for b, _, s, e in BLOCKS if b == block)
    return [day_index * 24 + hour for hour in range(start, end)]


def utc_offset_minutes(time_zone, at=None):
    """The zone's offset from UTC now (or at ``at``), in minutes."""
    at = at or datetime(2026, 1, 5, 12)
    offset = at.replace(tzinfo=ZoneInfo(time_zone)).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def utc_hours(slots, time_zone):
    """The UTC hours of the week (0..167) covered by local slots in ``time_zone``."""
    shift = utc_offset_minutes(time_zone) // 60
    return frozenset((hour - shift) % 168 for slot in slots for hour in slot_hours(slot))
