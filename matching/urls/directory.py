"""URLs of the matching directory area, under /o/<org_slug>/."""

from django.urls import path

from ..views import directory as views

urlpatterns = [
    # The directory: any member browses and requests
    path("directory/", views.directory, name="directory"),
    path(
        "directory/offerings/<int:offering_id>/",
        views.offering_detail,
        name="directory_offering",
    ),
    path(
        "directory/offerings/<int:offering_id>/request/",
        views.offering_request_create,
        name="directory_offering_request",
    ),
    # A mentor's own offerings and the requests for them
    path("me/offerings/", views.my_offerings, name="my_offerings"),
    path("me/offerings/new/", views.my_offering_create, name="my_offering_create"),
    path(
        "me/offerings/<int:offering_id>/edit/",
        views.my_offering_edit,
        name="my_offering_edit",
    ),
    path(
        "me/offerings/<int:offering_id>/pause/",
        views.my_offering_toggle,
        name="my_offering_toggle",
    ),
    path(
        "me/offerings/requests/",
        views.offering_requests_incoming,
        name="offering_requests_incoming",
    ),
    path(
        "me/offerings/requests/<int:offering_request_id>/answer/",
        views.offering_request_answer,
        name="offering_request_answer",
    ),
    path(
        "me/offerings/requests/<int:offering_request_id>/delivered/",
        views.offering_request_deliver,
        name="offering_request_deliver",
    ),
    # A mentee's requests
    path("me/requests/", views.my_offering_requests, name="my_offering_requests"),
]
