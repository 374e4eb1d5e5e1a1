"""A session's copy of its template (shared by every way a session comes to be: proposed,
logged after the fact, generated for a cohort, booked from office hours or the directory)."""

from ..models import SessionBlock


def copy_template_blocks(*, session, template, minutes=None):
    """Give ``session`` a copy of ``template``'s blocks (editing the template later never
    rewrites it). A session of another length than the template's (micro-mentoring, 15 to 45
    minutes) gets its blocks' minutes scaled to its length, adding up exactly."""
    blocks = list(template.blocks.all())
    total = sum(block.minutes for block in blocks)
    target = minutes or template.minutes
    scaled = _scaled_minutes([block.minutes for block in blocks], total, target)
    SessionBlock.objects.bulk_create(
        [
            SessionBlock(
                organization_id=session.organization_id,
                session=session,
                position=index,
                title=block.title,
                minutes=block_minutes,
                prompt=block.prompt,
                outputs=list(block.outputs or []),
            )
            for index, (block, block_minutes) in enumerate(zip(blocks, scaled, strict=True), 1)
        ]
    )


def _scaled_minutes(minutes, total, target):
    """Scale ``minutes`` (summing to ``total``) to sum to ``target``: largest remainders,
    every block at least one minute."""
    if not minutes or total == target or total == 0:
        return minutes
    raw = [m * target / total for m in minutes]
    floors = [max(1, int(r)) for r in raw]
    left = target - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order:
        if left <= 0:
            break
        floors[i] += 1
        left -= 1
    return floors
