"""URLs of the metrics app: the quarterly review of a program (X6; see
metrics/urls/__init__.py)."""

from django.urls import path

from ..views import review

urlpatterns = [
    path(
        "dashboards/programs/<int:program_id>/review/",
        review.quarterly_review_page,
        name="quarterly_review",
    ),
]
