"""URLs of the metrics app: rows (see metrics/urls/__init__.py)."""

urlpatterns = []
