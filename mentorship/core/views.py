"""The form-view helpers: the one way a view turns a service's answer into a page.

A view validates a form, calls a service, and then either redirects with a message (done)
or shows the form again with the service's ``ValidationError`` next to the fields it names
(refused). That block was once written out in every view; it is written here once::

    @role_required(read=Role.ADMIN)
    def program_create(request, org_slug):
        form = ProgramForm(request.POST or None, organization=request.organization)
        done = form_submit(
            request,
            form,
            lambda data: services.program_create(
                organization=request.organization, by=request.user, **form.service_kwargs()
            ),
            message=lambda program: f"{program.name} is created.",
            redirect_to=lambda program: reverse("program_detail", args=[...]),
        )
        return done or render(request, "programs/catalogue/program_form.html", {"form": form})

A POST-only action (archive, publish, resend) that has no form uses :func:`action_submit`:
the service's refusal becomes an error message on the page it redirects to.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect


def add_errors(form, error):
    """Put a service's ValidationError next to the fields it names (the rest on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error):
    """A ValidationError as one sentence (for a message or an htmx fragment)."""
    return " ".join(error.messages)


def _resolve(value, result):
    return value(result) if callable(value) else value


def form_submit(request, form, save, *, message=None, redirect_to=None, on_error=None):
    """On a valid POST, call ``save(form.cleaned_data)``.

    Done: show ``message`` (a string, or a function of what ``save`` returned) and return a
    redirect to ``redirect_to`` (a URL, or a function of the result; ``None`` means the
    page itself). Refused (``ValidationError``): put the errors next to their fields, call
    ``on_error(error)`` if given (e.g. to reload the instance), and return ``None``, so the
    view renders the form again. Not a POST, or an invalid form: ``None``.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        if on_error is not None:
            on_error(error)
        return None
    text = _resolve(message, result)
    if text:
        messages.success(request, text)
    return redirect(_resolve(redirect_to, result) or request.get_full_path())


def action_submit(request, act, *, redirect_to, message=None):
    """Call ``act()`` for a POST-only action and redirect to ``redirect_to`` (a URL, or a
    URL name with no arguments): with the ``message`` (a string, or a function of what
    ``act`` returned) when done, with the service's refusal as an error message when not."""
    try:
        result = act()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        text = _resolve(message, result)
        if text:
            messages.success(request, text)
    return redirect(redirect_to)


def list_template(request, template, target):
    """The list page, or only its ``results`` partial when htmx asks for ``target``."""
    if request.htmx and request.htmx.target == target:
        return f"{template}#results"
    return template


def form_status(form):
    """400 when the form shows errors, so tests and tools can tell a refusal from a page."""
    return 400 if form.is_bound and form.errors else 200


def health(request):
    """``/healthz/``: the process answers (no database, no session): what a load balancer
    polls, and the trivial view ``bench/pages.py`` measures the pages against."""
    return HttpResponse("ok", content_type="text/plain")
