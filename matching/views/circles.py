"""A cohort's circles (M8): leaders read them, admins split the cohort again."""

from django.contrib import messages
from django.shortcuts import redirect, render

from mentorship.tenancy.access import leader_reads_admin_writes
from programs.access import access_cohort_by_id

from ..selectors.circles import cohort_circles as circles_of
from ..services import circles as services


@leader_reads_admin_writes
def cohort_circles(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    unplaced = None
    if request.method == "POST":
        _circles, unplaced = services.cohort_circles_split(cohort=cohort, by=request.user)
        if not unplaced:
            messages.success(request, f"{cohort.name} is split into circles.")
            return redirect("cohort_circles", org_slug=org_slug, cohort_id=cohort.pk)
    context = {"cohort": cohort, "circles": circles_of(cohort=cohort), "unplaced": unplaced}
    return render(request, "matching/circles/circles.html", context)
