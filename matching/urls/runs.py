"""URLs of the matching runs area, under /o/<org_slug>/."""

from django.urls import path

from ..views import runs as views

urlpatterns = [
    path("programs/<int:program_id>/matching/", views.matching_settings, name="matching_settings"),
    path("matching/exclusions/", views.exclusion_list, name="exclusion_list"),
    path(
        "matching/exclusions/<int:exclusion_id>/delete/",
        views.exclusion_delete,
        name="exclusion_delete",
    ),
    path("cohorts/<int:cohort_id>/matching/", views.cohort_matching, name="cohort_matching"),
    path("cohorts/<int:cohort_id>/matching/run/", views.matchrun_start, name="matchrun_start"),
    path(
        "matching/rejections/<int:rejectedpair_id>/lift/",
        views.rejection_lift,
        name="rejection_lift",
    ),
    path("matching/runs/<int:matchrun_id>/", views.matchrun_detail, name="matchrun_detail"),
    path(
        "matching/runs/<int:matchrun_id>/publish/",
        views.matchrun_publish,
        name="matchrun_publish",
    ),
    path(
        "matching/proposals/<int:proposal_id>/review/",
        views.proposal_review,
        name="proposal_review",
    ),
    path("matching/proposals/<int:proposal_id>/swap/", views.proposal_swap, name="proposal_swap"),
    path(
        "matching/proposals/<int:proposal_id>/assign/",
        views.proposal_assign,
        name="proposal_assign",
    ),
    path("me/mentoring/", views.my_mentoring, name="my_mentoring"),
    path("me/mentoring/<int:pairing_id>/answer/", views.pairing_answer, name="pairing_answer"),
]
