"""Sessions URLs: actions."""

urlpatterns = []
