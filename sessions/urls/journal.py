"""Sessions URLs: journal."""

urlpatterns = []
