"""URLs of the metrics app: dashboards (see metrics/urls/__init__.py)."""

urlpatterns = []
