"""Sessions URLs: micro-habits (D2) — My habits, the mentor's Mentees' habits, and the
check-in, pause, resume and end endpoints (the home panel posts to the same ones)."""

from django.urls import path

from ..views import habits as views

urlpatterns = [
    path("me/habits/", views.my_habits, name="my_habits"),
    path("me/mentees/habits/", views.mentees_habits, name="mentees_habits"),
    path("habits/<int:microhabit_id>/check-in/", views.habit_check_in, name="habit_check_in"),
    path("habits/<int:microhabit_id>/pause/", views.habit_pause, name="habit_pause"),
    path("habits/<int:microhabit_id>/resume/", views.habit_resume, name="habit_resume"),
    path("habits/<int:microhabit_id>/end/", views.habit_end, name="habit_end"),
]
