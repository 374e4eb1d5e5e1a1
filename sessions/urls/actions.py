"""Sessions URLs: action items (D3) — My actions, and marking one done or reopening it."""

from django.urls import path

from ..views import actions as views

urlpatterns = [
    path("me/actions/", views.my_actions, name="my_actions"),
    path("actions/<int:actionitem_id>/done/", views.action_done, name="action_done"),
    path("actions/<int:actionitem_id>/reopen/", views.action_reopen, name="action_reopen"),
]
