"""Sessions URLs: signals (see sessions/urls/__init__.py)."""

urlpatterns = []
