"""URLs of the metrics app: review (see metrics/urls/__init__.py)."""

urlpatterns = []
