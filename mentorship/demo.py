"""The demo organisation that `make run` loads and the isolation test builds twice.

The foundation creates the organisation and its people; each app adds its part in a module
``<app>/demo.py`` with ``populate(context)``, run in INSTALLED_APPS order, so a newcomer sees
a living program and the isolation test has one object of every model to aim at.
"""

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction

from mentorship.accounts.models import User
from mentorship.accounts.services import invitation_create
from mentorship.notifications.sweeps import run_all
from mentorship.tenancy.models import Membership, Organization, Role
from mentorship.tenancy.services import membership_change_role, organization_create

DEMO_PASSWORD = "mentor-demo-2026"

# (first name, last name, department, role); the first is the admin, the second the leader.
PEOPLE = [
    ("Amara", "Okafor", "People Operations", Role.ADMIN),
    ("Daniel", "Reyes", "Leadership", Role.LEADER),
    ("Priya", "Nair", "Coaching", Role.MEMBER),
    ("Tomasz", "Kowalski", "Coaching", Role.MEMBER),
    ("Leila", "Haddad", "Client Success", Role.MEMBER),
    ("Jonas", "Berg", "Operations", Role.MEMBER),
    ("Mei", "Chen", "Coaching", Role.MEMBER),
    ("Samuel", "Adeyemi", "Sales", Role.MEMBER),
]


@dataclass
class DemoContext:
    organization: Organization
    admin: User
    leader: User
    members: list
    email_domain: str
    rng: random.Random
    extra: dict = field(default_factory=dict)

    def make_user(self, first, last, department="", role=Role.MEMBER):
        """A verified person in the demo organisation (apps add their participants here)."""
        email = f"{first}.{last}@{self.email_domain}".lower()
        user = _verified_user(email, f"{first} {last}")
        Membership.objects.for_org(self.organization).get_or_create(
            organization=self.organization,
            user=user,
            defaults={"role": role, "department": department},
        )
        return user


def _verified_user(email, name):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def build_demo(
    *,
    slug="northwind",
    name="Northwind Fitness Academy",
    email_domain=None,
    time_zone="Europe/London",
    seed=2026,
):
    """Create the demo organisation unless it exists; return it."""
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    email_domain = email_domain or f"{slug}.example"
    rng = random.Random(seed)
    people = []
    for first, last, department, role in PEOPLE:
        people.append(
            (
                _verified_user(f"{first}.{last}@{email_domain}".lower(), f"{first} {last}"),
                department,
                role,
            )
        )
    admin = people[0][0]
    organization = organization_create(name=name, slug=slug, time_zone=time_zone, by=admin)
    Membership.objects.for_org(organization).filter(user=admin).update(department=people[0][1])
    for user, department, role in people[1:]:
        membership = Membership.objects.create(
            organization=organization, user=user, role=Role.MEMBER, department=department
        )
        if role != Role.MEMBER:
            membership_change_role(membership=membership, role=role, by=admin)
    for email, invited_role in [
        (f"rosa.martins@{email_domain}", Role.MEMBER),
        (f"kwame.mensah@{email_domain}", Role.LEADER),
    ]:
        invitation_create(
            organization=organization,
            email=email,
            role=invited_role,
            by=admin,
            site_url="http://127.0.0.1:8000/",
        )
    context = DemoContext(
        organization=organization,
        admin=admin,
        leader=people[1][0],
        members=[user for user, _, _ in people[2:]],
        email_domain=email_domain,
        rng=rng,
    )
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        if app_config.name.startswith("mentorship") or find_spec(module_name) is None:
            continue
        import_module(module_name).populate(context)
    # What the reminder sweeps (every minute with a worker and beat) would have told people
    # by now: today's session, habit, action and milestone reminders in their inboxes.
    run_all(organization=organization)
    return organization


# A person's roles in the demo, in this order: the organisation's (admin, leader), then the
# cohorts' (programs.Participant.Role); a member in no cohort is a "member".
DEMO_ROLES = ("admin", "leader", "facilitator", "mentor", "mentee", "member")


def demo_people(organization):
    """``(name, e-mail, roles)`` of every demo person, the admin first, then by role and name:
    what `load_demo` prints so each role can be tried."""
    memberships = Membership.objects.for_org(organization).select_related("user")
    cohort_roles = {}
    if apps.is_installed("programs"):
        Participant = apps.get_model("programs", "Participant")
        for user_id, role in (
            Participant.objects.for_org(organization).values_list("user_id", "role").distinct()
        ):
            cohort_roles.setdefault(user_id, set()).add(role)
    people = []
    for membership in memberships:
        roles = set(cohort_roles.get(membership.user_id, ()))
        if membership.role != Role.MEMBER:
            roles.add(membership.role)
        ordered = [role for role in DEMO_ROLES if role in (roles or {"member"})]
        people.append((str(membership.user), membership.user.email, ordered))
    people.sort(key=lambda row: (DEMO_ROLES.index(row[2][0]), row[0]))
    return people
