"""URLs of the metrics app: quality (see metrics/urls/__init__.py)."""

from django.urls import path

from ..views import quality

urlpatterns = [
    path("dashboards/quality/", quality.data_quality, name="data_quality"),
]
