"""Sessions URLs: groups (see sessions/urls/__init__.py)."""

urlpatterns = []
