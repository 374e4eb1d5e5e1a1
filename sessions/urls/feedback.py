"""Sessions URLs: feedback (see sessions/urls/__init__.py)."""

urlpatterns = []
