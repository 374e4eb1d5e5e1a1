"""Sessions URLs: the 90-day plan (see sessions/urls/__init__.py): a pairing's plan, its
history, the mentee's edits and reviews, the pair's comments."""

from django.urls import path

from ..views import plans as views

urlpatterns = [
    path("pairings/<int:pairing_id>/plan/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan_history"),
    path("plans/<int:plan_id>/objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:objective_id>/remove/", views.objective_remove, name="objective_remove"),
    path("plans/<int:plan_id>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:planmilestone_id>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:planmilestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("plans/<int:plan_id>/feedback/", views.plan_feedback_edit, name="plan_feedback_edit"),
    path("plans/<int:plan_id>/comments/", views.plan_comment, name="plan_comment"),
    path("plans/<int:plan_id>/review/", views.plan_review, name="plan_review"),
]
