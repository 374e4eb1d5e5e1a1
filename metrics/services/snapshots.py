"""Computing indicator snapshots (B5), and the requests events leave for it.

``snapshots_compute(*, organization, day=None, scope=None)`` recomputes every indicator of
every level of the organisation on ``day`` (its today by default), or only what ``scope``
names (a program, a cohort or a pairing, and the levels above it: its cohort, program, the
pairing's mentor and the organisation), one transaction per level, idempotently (an upsert
on the snapshot's unique key): the nightly task and the event-driven one write the same rows.

Events (a session completed, a habit checked in, an action done, a pulse answered, outcome
events imported) call ``recompute_request(...)`` inside their own transaction: it stores a
``RecomputeRequest`` (one per scope, so a burst of events shares it) and queues
``metrics.recompute_requested`` after commit, a quarter of a second later (the debounce).
If the broker is down, the row stays and the sweep (every few seconds) queues it: stored
before queued, as the nudges do.

Every level's figures of pairs' rows are computed from the pairs' parts
(``metrics.indicators.parts``): a full computation reads every pair's once for all its
levels and, for today, stores them (``metrics.services.parts``); an event's computation
loads them, reads its own pairs' again and writes every level it touches at once. The
people's figures (careers) share one ``inputs.Reading`` across the levels.
"""

import json
import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from matching.models import Pairing
from programs.models import Cohort, Program

from .. import catalogue
from ..models import RecomputeRequest, Snapshot
from ..selectors import inputs
from . import parts as parts_service
from .outcomes import organization_today

logger = logging.getLogger(__name__)

# A burst of events within this shares one recomputation (their request row); short, so an
# event shows within 2 s (the scoped recomputation takes most of it: bench/indicators.py).
DEBOUNCE_SECONDS = 0.25
# Without today's stored parts (the first event of a day), an event's pair, mentor and cohort
# are recomputed first, from their own rows (``snapshots_compute_near``); its program and the
# organisation, which then read every row of the organisation, follow as a request of their
# own ("above:<program>"), queued this much later on a task of their own, so a burst of
# events (and the near recomputations meanwhile) share one run of the levels above.
ABOVE_SECONDS = 0.5
NEAR_KINDS = ("pairing", "cohort")
ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR = catalogue.LEVELS
NEAR_LEVELS = (PAIR, MENTOR, COHORT)
FIELDS = list(Snapshot.FIGURE_FIELDS)


def scope_objects(*, organization, scope):
    """``{level: ids or None}`` of what ``scope`` touches (None: every object of the level).

    ``scope``: None (everything), "organisation", or ``(kind, id)`` / "kind:id" with kind
    "program", "cohort" or "pairing". An object of another organisation (or none) touches
    only the organisation level."""
    if scope is None:
        return dict.fromkeys(catalogue.LEVELS)
    kind, object_id = _parse(scope)
    touched = {ORGANISATION: None}
    if kind == "organisation":
        return touched
    if kind == "above":  # the program and organisation levels over a near recomputation
        if Program.objects.for_org(organization).filter(pk=object_id).exists():
            touched[PROGRAM] = [object_id]
        return touched
    pairings = Pairing.objects.for_org(organization)
    if kind == "pairing":
        row = pairings.filter(pk=object_id).values("cohort_id", "cohort__program_id").first()
        if row is None:
            return touched
        pairings = pairings.filter(pk=object_id)
        touched.update({PROGRAM: [row["cohort__program_id"]], COHORT: [row["cohort_id"]]})
    elif kind == "cohort":
        program = (
            Cohort.objects.for_org(organization)
            .filter(pk=object_id)
            .values_list("program_id", flat=True)
            .first()
        )
        if program is None:
            return touched
        pairings = pairings.filter(cohort_id=object_id)
        touched.update({PROGRAM: [program], COHORT: [object_id]})
    elif kind == "program":
        if not Program.objects.for_org(organization).filter(pk=object_id).exists():
            return touched
        pairings = pairings.filter(cohort__program_id=object_id)
        cohorts = Cohort.objects.for_org(organization).filter(program_id=object_id)
        touched.update({PROGRAM: [object_id], COHORT: list(cohorts.values_list("pk", flat=True))})
    else:
        raise ValueError(f"unknown scope {scope!r}")
    rows = list(pairings.values_list("pk", "mentor__user_id"))
    touched[PAIR] = [pk for pk, _ in rows]
    touched[MENTOR] = sorted({user for _, user in rows})
    return touched


def _parse(scope):
    if isinstance(scope, tuple):
        return scope
    if scope == "organisation":
        return "organisation", None
    kind, _, object_id = scope.partition(":")
    return kind, int(object_id)


def scope_key(kind, object_id=None):
    return "organisation" if kind == "organisation" else f"{kind}:{object_id}"


def scopes_objects(*, organization, scopes):
    """``{level: ids or None}`` of several scopes together (each level computed once)."""
    merged = {}
    for scope in scopes:
        try:
            touched = scope_objects(organization=organization, scope=scope)
        except ValueError:  # a scope no code writes any more: dropped, not retried
            logger.warning("Unknown recompute scope %r dropped.", scope)
            continue
        for level, ids in touched.items():
            if ids is None or merged.get(level, []) is None:
                merged[level] = None
            else:
                merged[level] = sorted(set(merged.get(level, [])) | set(ids))
    return merged


def snapshots_compute(*, organization, day=None, scope=None, scopes=None):
    """Recompute the snapshots of ``day`` (the organisation's today) for ``scope`` (or all of
    ``scopes`` at once: the levels above them computed once); returns how many rows were
    written. One transaction, under the organisation's parts lock.

    The figures of pairs' rows come from the pairs' parts: a full computation (no scope)
    reads every pair's and, for today, stores them; a scoped one (an event's) loads today's
    stored parts when they are complete and fresh, reads its own pairs' again and stores
    those, and computes its levels from them; the people's figures of the cohort, program
    and organisation levels (time to match, careers, certification: no pair's event changes
    them) are then left as the last full computation wrote them. Without stored parts, it
    reads every pair's (and stores them)."""
    today = organization_today(organization)
    day = day or today
    if scopes is not None:
        touched = scopes_objects(organization=organization, scopes=scopes)
    else:
        touched = scope_objects(organization=organization, scope=scope)
    scoped = scope is not None or scopes is not None
    written = 0
    with transaction.atomic():
        parts_service.parts_lock(organization)
        parts, stored = _parts(organization, day, today, touched if scoped else None)
        reading = inputs.Reading()  # the people's rows, read once for every level
        for level, object_ids in touched.items():
            if object_ids is not None and not object_ids and level != ORGANISATION:
                continue
            keys = inputs.PART_KEYS if stored else None
            written += _compute_level(organization, level, day, object_ids, reading, parts, keys)
    return written


def _parts(organization, day, today, touched):
    """``(parts, stored)``: the pairs' parts the computation reads its figures from, and
    whether they are today's stored ones (with ``touched``'s pairs and mentors read
    again) rather than read from every row."""
    now = timezone.now()
    if touched is not None and day == today:
        parts = parts_service.parts_load(organization=organization, day=day, now=now)
        if parts is not None:
            pairs, mentors = touched.get(PAIR) or [], touched.get(MENTOR) or []
            if pairs:
                fresh = inputs.read_parts(organization, day, PAIR, pairs)
                parts.replace(fresh, pairs=pairs, mentors=mentors)
                parts_service.parts_save(
                    organization=organization,
                    day=day,
                    parts=fresh,
                    pairs=pairs,
                    mentors=mentors,
                    read_at=now,
                )
            return parts, True
    parts = inputs.read_parts(organization, day)
    if day == today:
        parts_service.parts_save_all(organization=organization, day=day, parts=parts, read_at=now)
    return parts, False


def _compute_level(organization, level, day, object_ids, reading, parts=None, keys=None):
    """Compute and store one level's snapshots; returns the rows written."""
    values = inputs.level_values(
        organization=organization,
        level=level,
        day=day,
        object_ids=object_ids,
        reading=reading,
        parts=parts,
        keys=keys,
    )
    rows = [
        (object_id, key, value)
        for object_id, by_key in values.items()
        for key, value in by_key.items()
    ]
    with transaction.atomic():
        # every object's every figure: the level's rows of the day are replaced
        whole = object_ids is None and keys is None
        _upsert(organization, level, day, rows, timezone.now(), whole=whole)
    return len(rows)


def snapshots_compute_near(*, organization, scopes, day=None):
    """The pair, mentor and cohort levels of ``scopes`` (pairings and cohorts), each read
    from its own objects' rows only, not the organisation's: what an event's own pages show
    when today's parts are not stored yet (the first event of a day), in a fraction of the
    time the levels above take then. Returns the programs whose levels above are now due
    (``above:<program>``)."""
    day = day or organization_today(organization)
    touched = scopes_objects(organization=organization, scopes=scopes)
    for level in NEAR_LEVELS:
        if touched.get(level):
            _compute_level(organization, level, day, touched[level], None)
    return touched.get(PROGRAM) or []


COLUMNS = ("organization_id", "level", "object_id", "indicator", "day", *Snapshot.FIGURE_FIELDS)
KEY = ("organization_id", "level", "object_id", "indicator", "day")


def _upsert(organization, level, day, rows, now, *, whole=False):
    """Insert or update the snapshot of every ``(object_id, indicator, IndicatorValue)``;
    ``whole``: the rows are every object's of the level, which replace the level's rows of
    the day (an object gone since has none left).

    PostgreSQL: the rows are copied (COPY) in one stream, PostgreSQL storing them while the
    next ones are made (a level of 25,000 pairs is 225,000 rows: parameters would be
    millions): a whole level's straight into the table after one delete of the day's rows
    (no conflict to look up), a part of a level's into a temporary table upserted from it in
    one statement. Elsewhere ``bulk_create(update_conflicts=True)``, the same upsert."""
    if connection.vendor != "postgresql":
        snapshots = Snapshot.objects.for_org(organization)
        if whole:
            snapshots.filter(level=level, day=day).delete()
        snapshots.bulk_create(
            [
                Snapshot(
                    organization=organization,
                    level=level,
                    object_id=object_id,
                    indicator=key,
                    day=day,
                    value=value.value,
                    numerator=value.numerator,
                    denominator=value.denominator,
                    n=value.n,
                    not_yet=value.not_yet,
                    extra=dict(value.extra),
                    note=value.note[:200],
                    computed_at=now,
                )
                for object_id, key, value in rows
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["organization", "level", "object_id", "indicator", "day"],
            update_fields=FIELDS,
        )
        return
    table = Snapshot._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if whole:
            cursor.execute(
                f"DELETE FROM {table} WHERE organization_id = %s AND level = %s AND day = %s",
                [organization.pk, level, day],
            )
            _copy(cursor, table, organization, level, day, rows, now)
            return
        # (dropped at commit; inside an outer transaction, by the next level's first)
        cursor.execute("DROP TABLE IF EXISTS pg_temp.snapshot_in")
        cursor.execute(
            "CREATE TEMPORARY TABLE snapshot_in (organization_id bigint, level varchar(12), "
            "object_id bigint, indicator varchar(40), day date, value double precision, "
            "numerator double precision, denominator double precision, n integer, "
            "not_yet integer, extra text, note varchar(200), computed_at timestamptz) "
            "ON COMMIT DROP"
        )
        _copy(cursor, "snapshot_in", organization, level, day, rows, now)
        updates = ", ".join(f"{field} = EXCLUDED.{field}" for field in FIELDS)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "
            f"SELECT {columns.replace('extra', 'extra::jsonb')} FROM snapshot_in "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}"
        )


def _copy(cursor, table, organization, level, day, rows, now):
    """COPY the rows into ``table`` (the snapshot table or ``snapshot_in``)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        org = organization.pk
        for object_id, key, value in rows:
            copy.write_row(
                (
                    org,
                    level,
                    object_id,
                    key,
                    day,
                    value.value,
                    value.numerator,
                    value.denominator,
                    value.n,
                    value.not_yet,
                    json.dumps(dict(value.extra)) if value.extra else "{}",
                    value.note[:200],
                    now,
                )
            )


def snapshots_compute_history(*, organization, days, every=7):
    """Snapshots of today and of every ``every`` days back over ``days`` days (the demo's
    history, so trends exist): the rows as they are now, read as of each day."""
    today = organization_today(organization)
    written = 0
    for back in range(0, days + 1, every):
        written += snapshots_compute(organization=organization, day=today - timedelta(back))
    return written


# --- Retention ---------------------------------------------------------------------------

KEEP_DAILY_DAYS = 90
THINNED_LEVELS = (PAIR, MENTOR)  # most of the rows; the groups' trends keep every day


def snapshots_prune(*, organization, today=None, keep_daily_days=KEEP_DAILY_DAYS):
    """Thin the pair and mentor snapshots older than ``keep_daily_days`` to one day a week
    (the latest day of each ISO week that has snapshots); the organisation's, programs' and
    cohorts' rows stay every day. Two queries (the days, one delete); returns the rows
    deleted. Run after the nightly recompute."""
    today = today or organization_today(organization)
    cutoff = today - timedelta(days=keep_daily_days)
    old = Snapshot.objects.for_org(organization).filter(level__in=THINNED_LEVELS, day__lt=cutoff)
    latest_of_week = {}
    for day in old.values_list("day", flat=True).distinct():
        week = day.isocalendar()[:2]
        latest_of_week[week] = max(day, latest_of_week.get(week, day))
    kept = set(latest_of_week.values())
    deleted, _ = old.exclude(day__in=kept).delete()
    return deleted


# --- Requests left by events --------------------------------------------------------------


def recompute_request(*, organization_id, kind, object_id=None):
    """Ask for the recomputation of ``kind`` ("organisation", "program", "cohort",
    "pairing"; "above" for a program's levels over a near recomputation) in the caller's
    transaction; queue it after commit, debounced."""
    now = timezone.now()
    delay = ABOVE_SECONDS if kind == "above" else DEBOUNCE_SECONDS
    RecomputeRequest.objects.for_org(organization_id).bulk_create(
        [
            RecomputeRequest(
                organization_id=organization_id,
                scope=scope_key(kind, object_id),
                requested_at=now,
                due_at=now + timedelta(seconds=delay),
            )
        ],
        # A pending request of the same scope keeps its due time (the debounce) and learns
        # that something changed since it was read (``requested_at``), so it is not deleted
        # by a run that read it before this event.
        update_conflicts=True,
        unique_fields=["organization", "scope"],
        update_fields=["requested_at"],
    )
    _queue_on_commit(organization_id, above=kind == "above", delay=delay)


def _queue_on_commit(organization_id, *, above=False, delay=DEBOUNCE_SECONDS):
    from ..tasks.snapshots import recompute_above, recompute_requested

    task = recompute_above if above else recompute_requested

    def _send():
        try:
            task.apply_async((organization_id,), countdown=delay)
        except Exception:  # the broker is down: the sweep picks the request up
            logger.warning("Could not queue the recomputation for %s.", organization_id)

    transaction.on_commit(_send)


def _is_above(scope):
    return scope.startswith("above:")


def recompute_requests_run(*, organization, now=None, above=False):
    """Run the organisation's pending requests (all of them: the task comes after the
    debounce; the sweep only queues organisations whose requests are due) and delete those
    not asked for again meanwhile. Returns the scopes computed.

    ``above=False`` (``metrics.recompute_requested``): every request but the levels above;
    a pairing's or cohort's computes every level it touches from today's stored parts, or,
    without them, its near levels, and asks for its program's levels above.
    ``above=True`` (``metrics.recompute_above``): only those, the program and the
    organisation levels, one run for the burst."""
    requests = [
        r
        for r in RecomputeRequest.objects.for_org(organization).order_by("pk")
        if _is_above(r.scope) == above
    ]
    if not requests:
        return []
    scopes = [r.scope for r in requests]
    if "organisation" in scopes:
        # The organisation's own level is in every scope; an organisation-wide event (an
        # outcome import) needs the groups too: every level.
        snapshots_compute(organization=organization)
    elif above:
        snapshots_compute(organization=organization, scopes=scopes)
    else:
        near = [s for s in scopes if s.partition(":")[0] in NEAR_KINDS]
        rest = [s for s in scopes if s not in near]
        if rest:  # a program's, or a scope no code writes any more (dropped)
            snapshots_compute(organization=organization, scopes=rest)
        if near and parts_service.parts_ready(
            organization=organization, day=organization_today(organization)
        ):
            # today's parts are stored: every level at once, the others' parts loaded
            snapshots_compute(organization=organization, scopes=near)
        elif near:
            for program_id in snapshots_compute_near(organization=organization, scopes=near):
                with transaction.atomic():
                    recompute_request(
                        organization_id=organization.pk, kind="above", object_id=program_id
                    )
    for r in requests:
        RecomputeRequest.objects.for_org(organization).filter(
            pk=r.pk, requested_at=r.requested_at
        ).delete()
    return scopes


def organizations_with_due_requests(*, now=None, above=False):
    """Ids of organisations with a request past its due time, of the levels above
    (``above``) or of the others (cross-tenant on purpose: the sweep queues one scoped task
    per organisation)."""
    now = now or timezone.now()
    due = RecomputeRequest.objects.unscoped().filter(due_at__lte=now)
    due = (
        due.filter(scope__startswith="above:") if above else due.exclude(scope__startswith="above:")
    )
    return set(due.values_list("organization_id", flat=True))
