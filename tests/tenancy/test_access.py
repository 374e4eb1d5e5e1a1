"""The tenancy getters: another organisation's row answers exactly as a missing one (404)."""

import pytest
from django.http import Http404

from mentorship.tenancy.access import access_membership_by_id
from mentorship.tenancy.models import Membership


def _membership(org, user):
    return Membership.objects.for_org(org).get(user=user)


def test_access_membership_by_id_gives_a_membership_of_the_organisation(org, admin, member):
    mine = _membership(org, admin)
    found = access_membership_by_id(membership=mine, membership_id=_membership(org, member).pk)
    assert (found.user, found.organization) == (member, org)


@pytest.mark.parametrize("which", ["another organisation's", "missing", "malformed"])
def test_access_membership_by_id_answers_404_alike(which, org, other_org, admin, stranger):
    mine = _membership(org, admin)
    membership_id = {
        "another organisation's": _membership(other_org, stranger).pk,
        "missing": 2_147_483_000,
        "malformed": "not-a-number",
    }[which]
    with pytest.raises(Http404):
        access_membership_by_id(membership=mine, membership_id=membership_id)


def test_an_object_got_through_a_getter_reads_its_organisation_without_a_query(org, admin):
    from mentorship.tenancy.access import get_for_org_or_404
    from programs.models import Cohort
    from tests.programs.factories import make_cohort
    from tests.utils import max_queries

    cohort_id = make_cohort(org).pk
    mine = _membership(org, admin)
    cohort = get_for_org_or_404(Cohort.objects.all(), mine.organization, pk=cohort_id)
    with max_queries(0):
        assert cohort.organization is mine.organization
