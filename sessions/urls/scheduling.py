"""Sessions URLs: scheduling (see sessions/urls/__init__.py)."""

urlpatterns = []
