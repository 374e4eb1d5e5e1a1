"""URLs of the metrics app: quality (see metrics/urls/__init__.py)."""

urlpatterns = []
