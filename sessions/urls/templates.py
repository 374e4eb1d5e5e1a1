"""Sessions URLs: templates (see sessions/urls/__init__.py)."""

urlpatterns = []
