"""The demo's part of the metrics app: targets for the demo programs' indicators; two
variants of the Leadership Accelerator with six months of history (``variants``: a weekly
and a fortnightly cohort, five pairs each); outcome events for the organisation's members
and for a larger group of people who never took part (the comparison group, 120 people
without an account), over the last two years, imported as an admin would, by CSV through the
service; then the indicator snapshots, every week over the last six months."""

from datetime import timedelta

from ..models import RecomputeRequest
from ..services.outcomes import organization_today, outcomes_import
from ..services.snapshots import snapshots_compute_history
from ..services.targets import program_targets_set
from . import variants

# program key -> {indicator: target, in the unit people read}
TARGETS = {
    "trainer": {
        "technique_consistency": 3.5,
        "client_retention": 80,
        "certification_rate": 75,
        "time_to_competence": 42,
        "habit_adherence": 70,
    },
    "leaders": {"cadence": 80, "action_completion": 70, "pulse": 4, "retention": 90},
}
COMPARISON_FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jae"]
COMPARISON_LAST = ["Lima", "Okoro", "Schmidt", "Patel", "Novak", "Diallo", "Rossi", "Kim"]
DEPARTMENTS = ["Coaching", "Client Success", "Operations", "Sales"]
ROLES = ["Team lead", "Specialist", "Trainer", "Coordinator"]
COMPARISON_SIZE = 120  # people who never took part, without an account


def _targets(context):
    for key, targets in TARGETS.items():
        program = context.extra.get("programs", {}).get(key)
        if program is None:
            continue
        chosen = {k: v for k, v in targets.items() if k in (program.indicators or [])}
        program_targets_set(program=program, targets=chosen, by=context.admin)


def _history(rng, email, today, department, *, leave_rate, promote_rate, since=None):
    """Rows of one person's career: hired up to six years ago, then the last two years
    (``since``: the start of the person's cohort, which a promotion follows)."""
    rows = []
    hired = today - timedelta(days=rng.randint(300, 2200))
    # Everyone has a hire date: the comparison group is the people the file names.
    rows.append((email, "hired", hired, department, ""))
    if rng.random() < promote_rate:
        promoted = today - timedelta(days=rng.randint(10, 700))
        if since is not None:
            promoted = since + timedelta(days=rng.randint(45, max(46, (today - since).days - 5)))
        if promoted > hired:
            rows.append((email, "promoted", promoted, department, "Senior"))
    if rng.random() < 0.12:
        moved = today - timedelta(days=rng.randint(10, 700))
        if moved > hired:
            other = rng.choice([d for d in DEPARTMENTS if d != department])
            rows.append((email, "department change", moved, other, ""))
    if rng.random() < 0.1:
        changed = today - timedelta(days=rng.randint(10, 700))
        if changed > hired:
            rows.append((email, "role change", changed, department, rng.choice(ROLES)))
    if rng.random() < leave_rate:
        left = today - timedelta(days=rng.randint(5, 700))
        if left > max([hired] + [row[2] for row in rows]):
            rows.append((email, "left", left, "", ""))
    return rows


def _outcomes(context):
    from mentorship.tenancy.models import Membership

    organization = context.organization
    rng = context.rng
    today = organization_today(organization)
    rows = []
    memberships = Membership.objects.for_org(organization).select_related("user")
    # The variant cohorts' people: four mentees in five and one mentor in three promoted
    # after their cohort began (so each cohort's promotion velocity has a median).
    promoted_since = {}
    for cohort in (context.extra.get("variant_cohorts") or {}).values():
        people = cohort.participants.order_by("pk").values_list("user_id", "role")
        seen = {"mentee": 0, "mentor": 0}
        for user_id, role in people:
            index = seen.setdefault(role, 0)
            seen[role] += 1
            promoted = index != 1 if role == "mentee" else index == 0
            promoted_since[user_id] = (cohort.starts_on, promoted)
    for membership in memberships:
        since, promoted = promoted_since.get(membership.user_id, (None, None))
        rows += _history(
            rng,
            membership.user.email.lower(),
            today,
            membership.department or rng.choice(DEPARTMENTS),
            leave_rate=0.05,
            promote_rate=0.35 if promoted is None else float(promoted),
            since=since if promoted else None,
        )
    domain = context.email_domain
    for i in range(COMPARISON_SIZE):
        first = COMPARISON_FIRST[i % len(COMPARISON_FIRST)]
        last = COMPARISON_LAST[(i // len(COMPARISON_FIRST) + i) % len(COMPARISON_LAST)]
        email = f"{first}.{last}{i}@{domain}".lower()
        rows += _history(
            rng, email, today, rng.choice(DEPARTMENTS), leave_rate=0.15, promote_rate=0.2
        )
    lines = ["email,event,date,department,role"]
    lines += [f"{e},{ev},{d.isoformat()},{dep},{role}" for e, ev, d, dep, role in rows]
    outcomes_import(
        organization=organization,
        data="\r\n".join(lines) + "\r\n",
        by=context.admin,
        filename="demo-hr-export.csv",
    )


HISTORY_DAYS = 182  # six months of snapshots, one a week, so trends exist
HISTORY_EVERY = 7


def _snapshots(context):
    """Every indicator of every level, today and every week back over six months (the
    nightly task's work); the requests the demo's events left are covered by it."""
    organization = context.organization
    snapshots_compute_history(organization=organization, days=HISTORY_DAYS, every=HISTORY_EVERY)
    RecomputeRequest.objects.for_org(organization).delete()


def populate(context):
    # metrics comes after sessions in INSTALLED_APPS, so the demo's sessions, plans, habits
    # and pulse answers exist by now.
    _targets(context)
    variants.populate(context)
    _outcomes(context)
    _snapshots(context)
