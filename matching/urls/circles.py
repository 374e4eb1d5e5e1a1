"""URLs of cohort circles, under /o/<org_slug>/."""

from django.urls import path

from ..views import circles as views

urlpatterns = [
    path("cohorts/<int:cohort_id>/circles/", views.cohort_circles, name="cohort_circles"),
]
