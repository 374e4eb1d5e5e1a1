"""Sessions URLs: logging (see sessions/urls/__init__.py)."""

urlpatterns = []
