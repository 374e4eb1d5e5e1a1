"""The getters of calibration, rematch, responsiveness, circles and the directory: one 404
for a row that does not exist, a row of another organisation and a row this member may not
reach."""

import pytest
from django.http import Http404

from matching.access import (
    access_calibration_check_by_id,
    access_circle_by_id,
    access_offering_by_id,
    access_offering_request_by_id,
    access_rematch_request_by_id,
    access_unresponsive_report_by_id,
)
from matching.models import Circle
from mentorship.tenancy.models import Membership

from .factories import (
    CalibrationCheckFactory,
    OfferingFactory,
    OfferingRequestFactory,
    PairingFactory,
    RematchRequestFactory,
    UnresponsiveReportFactory,
    make_cohort,
    make_person,
)

pytestmark = pytest.mark.django_db


def _membership(org, user):
    return Membership.objects.for_org(org).get(user=user)


@pytest.mark.parametrize(
    "factory, getter, kwarg",
    [
        (RematchRequestFactory, access_rematch_request_by_id, "rematchrequest_id"),
        (UnresponsiveReportFactory, access_unresponsive_report_by_id, "unresponsivereport_id"),
        (CalibrationCheckFactory, access_calibration_check_by_id, "calibrationcheck_id"),
    ],
    ids=["rematch request", "unresponsive report", "calibration check"],
)
def test_admins_only_and_one_404(org, other_org, admin, leader, factory, getter, kwarg):
    row = factory(pairing=PairingFactory(mentee__cohort=make_cohort(org)))
    elsewhere = factory(pairing=PairingFactory(mentee__cohort=make_cohort(other_org)))
    admin_m, leader_m = _membership(org, admin), _membership(org, leader)
    assert getter(membership=admin_m, **{kwarg: row.pk}) == row
    for membership, pk in [(leader_m, row.pk), (admin_m, elsewhere.pk), (admin_m, 10**6)]:
        with pytest.raises(Http404):
            getter(membership=membership, **{kwarg: pk})


def test_a_circle_is_for_leaders_and_admins(org, other_org, leader, member):
    cohort = make_cohort(org)
    pairing = PairingFactory(mentee__cohort=cohort)
    circle = Circle.objects.create(organization=org, cohort=cohort, mentor=pairing.mentor)
    assert access_circle_by_id(membership=_membership(org, leader), circle_id=circle.pk) == circle
    with pytest.raises(Http404):
        access_circle_by_id(membership=_membership(org, member), circle_id=circle.pk)


def test_an_offering_paused_or_of_another_org_is_not_found_except_by_its_mentor(
    org, other_org, member
):
    mentor = make_person(org)
    offering = OfferingFactory(organization=org, mentor=mentor)
    paused = OfferingFactory(organization=org, mentor=mentor, active=False)
    elsewhere = OfferingFactory(organization=other_org, mentor=make_person(other_org))
    reader, owner = _membership(org, member), _membership(org, mentor)
    assert access_offering_by_id(membership=reader, offering_id=offering.pk) == offering
    assert access_offering_by_id(membership=owner, offering_id=paused.pk) == paused
    assert access_offering_by_id(membership=owner, offering_id=offering.pk, own=True)
    for kwargs in [
        {"offering_id": paused.pk},
        {"offering_id": offering.pk, "own": True},
        {"offering_id": elsewhere.pk},
        {"offering_id": 10**6},
    ]:
        with pytest.raises(Http404):
            access_offering_by_id(membership=reader, **kwargs)


def test_a_request_is_the_mentors_to_answer(org, member):
    mentor = make_person(org)
    request = OfferingRequestFactory(
        offering=OfferingFactory(organization=org, mentor=mentor), mentee=member
    )
    owner = _membership(org, mentor)
    assert (
        access_offering_request_by_id(membership=owner, offering_request_id=request.pk) == request
    )
    with pytest.raises(Http404):  # the mentee who asked does not answer it
        access_offering_request_by_id(
            membership=_membership(org, member), offering_request_id=request.pk
        )
