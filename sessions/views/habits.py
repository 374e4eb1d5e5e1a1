"""Micro-habit pages (D2): My habits (check in with one tap, pause, resume, end), the
mentor's Mentees' habits, and the POST endpoints the home panel's check-in buttons share.

With htmx a check-in answers the habit's card (or the home panel's row) in place, a refusal
shown inside it; without JavaScript it redirects back with the message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import error_text
from mentorship.tenancy.access import member_required

from ..access import access_micro_habit_by_id
from ..forms.habits import CheckInForm
from ..selectors import habits as selectors
from ..services import habits as services

CARD = "sessions/habits/includes/habit_card.html"
TODAY_ROW = "sessions/habits/includes/today_row.html"


def _back(request, org_slug):
    back = request.POST.get("back")
    if back == "home":
        return reverse("org_home", args=[org_slug])
    if back == "mentees":
        return reverse("mentees_habits", args=[org_slug])
    return reverse("my_habits", args=[org_slug])


def _habit(request, microhabit_id):
    habit = access_micro_habit_by_id(membership=request.membership, microhabit_id=microhabit_id)
    habit.organization = request.organization  # the same row: no query for it
    return habit


def _answer(request, org_slug, habit, *, message=None, error=None):
    """The habit's card (or home row) for htmx, else a redirect with the message."""
    if request.htmx and request.POST.get("back") != "mentees":
        row = next(
            (
                r
                for r in selectors.my_habits(organization=request.organization, user=habit.mentee)
                if r.habit.pk == habit.pk
            ),
            None,
        )
        template = TODAY_ROW if request.POST.get("back") == "home" else CARD
        context = {"row": row, "error": error, "message": message, "rules": selectors.RULES}
        return HttpResponse(render_to_string(template, context, request))
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(_back(request, org_slug))


@member_required
def my_habits(request, org_slug):
    rows = selectors.my_habits(organization=request.organization, user=request.user)
    return render(
        request,
        "sessions/habits/my_habits.html",
        {
            "live": [r for r in rows if not r.ended],
            "ended": [r for r in rows if r.ended],
            "rules": selectors.RULES,
            "days_back": services.DAYS_BACK,
            "mentors": selectors.mentors_anyone(
                organization=request.organization, user=request.user
            ),
        },
    )


@member_required
def mentees_habits(request, org_slug):
    mentees = selectors.mentees_habits(organization=request.organization, mentor=request.user)
    return render(
        request,
        "sessions/habits/mentees_habits.html",
        {"mentees": mentees, "rules": selectors.RULES},
    )


@member_required
@require_POST
def habit_check_in(request, org_slug, microhabit_id):
    habit = _habit(request, microhabit_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _answer(request, org_slug, habit, error="Choose a day and done or skipped.")
    try:
        checkin = services.habit_check_in(habit=habit, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _answer(request, org_slug, habit, error=error_text(error))
    word = "done" if checkin.state == checkin.State.DONE else "skipped"
    return _answer(
        request,
        org_slug,
        habit,
        message=f"{habit.text.rstrip('.')}: {checkin.day:%A %-d %B} {word}.",
    )


def _change(request, org_slug, microhabit_id, service, message):
    habit = _habit(request, microhabit_id)
    try:
        service(habit=habit, by=request.user)
    except ValidationError as error:
        return _answer(request, org_slug, habit, error=error_text(error))
    return _answer(request, org_slug, habit, message=message.format(habit=habit))


@member_required
@require_POST
def habit_pause(request, org_slug, microhabit_id):
    return _change(
        request,
        org_slug,
        microhabit_id,
        services.habit_pause,
        "\u201c{habit.text}\u201d is paused.",
    )


@member_required
@require_POST
def habit_resume(request, org_slug, microhabit_id):
    return _change(
        request,
        org_slug,
        microhabit_id,
        services.habit_resume,
        "\u201c{habit.text}\u201d is due again.",
    )


@member_required
@require_POST
def habit_end(request, org_slug, microhabit_id):
    return _change(
        request, org_slug, microhabit_id, services.habit_end, "\u201c{habit.text}\u201d is ended."
    )
