"""URLs of the metrics app: participants against non-participants (X7; see
metrics/urls/__init__.py)."""

from django.urls import path

from ..views import comparison

urlpatterns = [
    path(
        "dashboards/outcomes/",
        comparison.participants_comparison,
        name="participants_comparison",
    ),
]
