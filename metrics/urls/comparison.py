"""URLs of the metrics app: comparison (see metrics/urls/__init__.py)."""

urlpatterns = []
