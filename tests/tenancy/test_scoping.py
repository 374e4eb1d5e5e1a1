"""The guarded tenant manager: an unscoped query of tenant data is an error, not a leak."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count

from mentorship.accounts.models import Invitation
from mentorship.tenancy.models import AuditEvent, Membership, Role
from mentorship.tenancy.scoping import (
    TenantLinkModel,
    TenantQuerySet,
    UnscopedQueryError,
    is_tenant_model,
    unscoped_queries,
)
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

# Models that are deliberately not tenant-owned. A new model of ours that is neither here
# nor carries an ``organization`` column fails test_every_model_of_ours_is_tenant_owned.
# Global on purpose: a person may belong to several organisations; an organisation is the
# tenant itself; Django's permission links of a person (auto-created tables) are per person.
GLOBAL_MODELS = {
    "accounts.User",
    "accounts.User_groups",
    "accounts.User_user_permissions",
    "tenancy.Organization",
}
OUR_APPS = ("mentorship.", "programs", "matching", "sessions", "metrics")

UNSCOPED_EVALUATIONS = {
    "list": lambda qs: list(qs),
    "len": lambda qs: len(qs),
    "bool": lambda qs: bool(qs),
    "iterate": lambda qs: next(iter(qs)),
    "index": lambda qs: qs[0],
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "get": lambda qs: qs.get(pk=1),
    "first": lambda qs: qs.first(),
    "last": lambda qs: qs.last(),
    "values": lambda qs: list(qs.values("pk")),
    "values_list": lambda qs: list(qs.values_list("pk", flat=True)),
    "aggregate": lambda qs: qs.aggregate(n=Count("pk")),
    "update": lambda qs: qs.update(role=Role.ADMIN),
    "delete": lambda qs: qs.delete(),
    "iterator": lambda qs: list(qs.iterator()),
    "in_bulk": lambda qs: qs.in_bulk([1]),
}


@pytest.fixture
def two_orgs(org, other_org, admin, stranger):
    MembershipFactory.create_batch(2, organization=org)
    MembershipFactory(organization=other_org)
    return org, other_org


@pytest.mark.parametrize("how", UNSCOPED_EVALUATIONS, ids=str)
def test_an_unscoped_query_raises(how, two_orgs):
    with pytest.raises(UnscopedQueryError, match="Membership"):
        UNSCOPED_EVALUATIONS[how](Membership.objects.all())


@pytest.mark.parametrize(
    "queryset",
    [
        lambda u: Membership.objects.filter(role=Role.ADMIN),
        lambda u: Membership.objects.filter(user=u),
        lambda u: Membership.objects.exclude(role=Role.MEMBER),
        lambda u: Membership.objects.order_by("pk"),
        lambda u: Membership.objects.select_related("user"),
        lambda u: Invitation.objects.pending(),
        lambda u: AuditEvent.objects.all(),
    ],
    ids=["filter-role", "filter-user", "exclude", "order_by", "select_related", "pending", "audit"],
)
def test_narrowing_on_anything_but_the_organisation_is_still_unscoped(queryset, two_orgs, admin):
    with pytest.raises(UnscopedQueryError):
        list(queryset(admin))


def test_unscoped_raise_happens_before_any_query(two_orgs, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(UnscopedQueryError):
        Membership.objects.count()


def test_unscoped_update_and_delete_change_nothing(two_orgs):
    org, other_org = two_orgs
    with pytest.raises(UnscopedQueryError):
        Membership.objects.all().update(role=Role.ADMIN)
    with pytest.raises(UnscopedQueryError):
        Membership.objects.filter(role=Role.MEMBER).delete()
    assert Membership.objects.for_org(org).filter(role=Role.MEMBER).count() == 2
    assert Membership.objects.for_org(other_org).count() == 2


def test_for_org_returns_only_that_organisations_rows(two_orgs):
    org, other_org = two_orgs
    rows = list(Membership.objects.for_org(org))
    assert len(rows) == 3
    assert {m.organization_id for m in rows} == {org.pk}
    assert Membership.objects.for_org(other_org).count() == 2


@pytest.mark.parametrize(
    "lookup",
    [
        lambda org: {"organization": org},
        lambda org: {"organization_id": org.pk},
        lambda org: {"organization__in": [org]},
        lambda org: {"organization_id__in": [org.pk]},
    ],
    ids=["object", "id", "in", "id-in"],
)
def test_filtering_on_the_organisation_scopes(lookup, two_orgs):
    org, _ = two_orgs
    assert Membership.objects.filter(**lookup(org)).count() == 3


@pytest.mark.parametrize(
    "lookup",
    [
        lambda org: {"organization__slug": org.slug},
        lambda org: {"organization__name__icontains": "a"},
        lambda org: {"organization__isnull": False},
        lambda org: {"organization__gt": 0},
    ],
    ids=["slug", "name", "isnull", "gt"],
)
def test_other_lookups_on_the_organisation_are_not_a_scope(lookup, two_orgs):
    """Only an exact organisation (or a set of them) scopes: a lookup through the
    organisation's other fields may match many tenants, so it is refused like none."""
    org, _ = two_orgs
    with pytest.raises(UnscopedQueryError):
        Membership.objects.filter(**lookup(org)).count()


def test_scope_survives_chaining(two_orgs, admin):
    org, _ = two_orgs
    queryset = Membership.objects.for_org(org).filter(role=Role.ADMIN).order_by("pk")
    assert list(queryset.values_list("user", flat=True)) == [admin.pk]
    assert queryset.exists()
    assert queryset.select_related("user").get().user == admin
    assert queryset.update(department="Board") == 1
    assert list(Membership.objects.for_org(org).admins()) == list(queryset)


def test_get_for_org_refuses_another_organisations_row(two_orgs):
    from django.http import Http404

    from mentorship.tenancy.access import get_for_org_or_404

    org, other_org = two_orgs
    foreign = Membership.objects.for_org(other_org).first()
    with pytest.raises(Http404):
        get_for_org_or_404(Membership.objects, org, pk=foreign.pk)
    with pytest.raises(Http404):
        get_for_org_or_404(Membership.objects, org, pk="not-a-number")
    own = Membership.objects.for_org(org).first()
    assert get_for_org_or_404(Membership.objects, org, pk=own.pk) == own


def test_related_managers_are_scoped_by_their_instance(two_orgs):
    org, _ = two_orgs
    InvitationFactory.create_batch(2, organization=org)
    assert org.memberships.count() == 3
    assert len(org.memberships.filter(role=Role.MEMBER)) == 2
    assert org.invitations.pending().count() == 2


def test_related_managers_of_a_person_span_organisations_so_they_are_unscoped(two_orgs):
    org, other_org = two_orgs
    person = UserFactory()
    MembershipFactory(organization=org, user=person)
    MembershipFactory(organization=other_org, user=person)
    with pytest.raises(UnscopedQueryError):
        list(person.memberships.all())
    assert person.memberships.filter(organization=org).count() == 1


def test_unscoped_is_explicit_and_crosses_tenants(two_orgs):
    assert Membership.objects.unscoped().count() == 5
    assert Membership.objects.unscoped().filter(role=Role.ADMIN).count() == 2


def test_unscoped_queries_block_allows_then_restores_the_guard(two_orgs):
    with unscoped_queries():
        assert Membership.objects.count() == 5
        with unscoped_queries():
            assert Membership.objects.exists()
        assert len(Membership.objects.all()) == 5  # the inner block did not close the outer
    with pytest.raises(UnscopedQueryError):
        Membership.objects.count()


def test_unscoped_queries_block_restores_the_guard_after_an_error(two_orgs):
    with pytest.raises(ZeroDivisionError), unscoped_queries():
        1 / 0  # noqa: B018
    with pytest.raises(UnscopedQueryError):
        Membership.objects.count()


def test_of_user_lists_a_persons_memberships_across_organisations(two_orgs, admin, other_org):
    MembershipFactory(organization=other_org, user=admin)
    assert {m.organization for m in Membership.objects.of_user(admin)} == set(two_orgs)


def test_full_clean_checks_uniqueness_across_the_table(org, admin):
    duplicate = Membership(organization=org, user=admin, role=Role.MEMBER)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == ["Membership with this Organization and User already exists."]
    # a person new to the organisation passes
    Membership(organization=org, user=UserFactory(), role=Role.MEMBER).full_clean()


def test_full_clean_of_a_new_row_runs_unscoped_checks_without_raising(org, admin):
    invitation = Invitation(
        organization=org,
        email="new@example.org",
        role=Role.MEMBER,
        invited_by=admin,
        expires_at=Invitation.default_expiry(),
    )
    invitation.full_clean()


def _tenant_models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if any(f.name == "organization" for f in m._meta.concrete_fields)
    ]


def test_every_model_with_an_organisation_has_the_guarded_manager(db):
    """``objects`` is guarded on every tenant model, and so is the default manager, except
    on the explicit through models of many-to-many links (TenantLinkModel), whose default
    manager only Django's many-to-many machinery uses, from an owner row already scoped."""
    unguarded = [
        m._meta.label
        for m in _tenant_models()
        if not isinstance(m.objects.all(), TenantQuerySet)
        or (
            not issubclass(m, TenantLinkModel)
            and not isinstance(m._default_manager.all(), TenantQuerySet)
        )
    ]
    assert not unguarded, f"Tenant models whose manager is not guarded: {unguarded}"
    for model in _tenant_models():
        with pytest.raises(UnscopedQueryError):
            model.objects.exists()


def test_many_to_many_links_between_tenant_rows_go_through_tenant_link_models():
    """A plain ManyToManyField between tenant rows would make a link table with no
    organisation: every such link is an explicit ``through`` TenantLinkModel."""
    plain = [
        f"{m._meta.label}.{f.name}"
        for m in _tenant_models()
        for f in m._meta.many_to_many
        if is_tenant_model(f.related_model)
        and not issubclass(f.remote_field.through, TenantLinkModel)
    ]
    assert not plain, f"Many-to-many links without a TenantLinkModel through: {plain}"


def test_every_model_of_ours_is_tenant_owned(db):
    """Every table of our apps, auto-created link tables included, carries ``organization``
    unless it is global on purpose."""
    tenant = {m._meta.label for m in _tenant_models()}
    ours = {
        m._meta.label
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith(OUR_APPS) and not m._meta.proxy
    }
    missing = sorted(ours - tenant - GLOBAL_MODELS)
    assert not missing, (
        f"{missing} have no 'organization' column. Tenant-owned tables carry one "
        f"(subclass TenantModel), child rows too; a global table goes in GLOBAL_MODELS "
        f"in tests/tenancy/test_scoping.py with the reason."
    )


def test_full_clean_refuses_a_foreign_key_to_another_organisations_row(org, other_org):
    """TenantModel checks every tenant foreign key once, for every model: a cohort of one
    organisation cannot belong to another organisation's program."""
    from programs.models import Cohort
    from tests.programs.factories import ProgramFactory

    foreign = ProgramFactory(organization=other_org)
    own = ProgramFactory(organization=org)
    cohort = Cohort(
        organization=org,
        program=foreign,
        name="Spring",
        starts_on="2027-01-04",
        ends_on="2027-03-01",
    )
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert error.value.message_dict["program"] == ["Choose one of your organisation's own."]

    cohort.program = own
    cohort.full_clean()  # the same row with its own organisation's program passes


def test_the_foreign_key_check_needs_no_code_in_the_model(org, other_org):
    """A model that declares nothing about organisations (a resource assignment) is checked
    all the same: the check is TenantModel's, in full_clean()."""
    from programs.models import ResourceAssignment
    from tests.programs.factories import ResourceFactory

    assignment = ResourceAssignment(
        organization=org, resource=ResourceFactory(organization=other_org)
    )
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert "resource" in error.value.message_dict
