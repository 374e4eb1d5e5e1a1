"""Pages of signal types (S4, X8): the organisation's list, filtered by program (a program's
page links to its own), and the admins' form to create, change, archive and restore one.
Leaders read; admins write."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_status, form_submit, list_template
from mentorship.tenancy.access import admin_required, leader_required
from mentorship.tenancy.pagination import paginate

from ..access import access_signal_type_by_id
from ..filters.signals import SignalTypeFilter
from ..forms.signals import SignalTypeForm
from ..selectors import signals as selectors
from ..services import signals as services


def _list_url(org_slug, signal_type):
    url = reverse("signal_type_list", args=[org_slug])
    return f"{url}?program={signal_type.program_id}"


@leader_required
def signal_type_list(request, org_slug):
    queryset = selectors.signal_type_list(organization=request.organization)
    signal_filter = SignalTypeFilter(
        request.GET, queryset=queryset, organization=request.organization
    )
    page = paginate(request, signal_filter.qs)
    program = signal_filter.form.cleaned_data.get("program") if signal_filter.is_valid() else None
    template = list_template(request, "sessions/signals/signal_type_list.html", "signal-results")
    return render(request, template, {"filter": signal_filter, "page": page, "program": program})


@admin_required
def signal_type_create(request, org_slug):
    organization = request.organization
    form = SignalTypeForm(
        request.POST or None,
        organization=organization,
        initial={"program": request.GET.get("program")},
    )
    done = form_submit(
        request,
        form,
        lambda data: services.signal_type_create(
            program=data["program"], by=request.user, **form.service_kwargs()
        ),
        message=lambda signal_type: (
            f"{signal_type.name} is recorded in {signal_type.program.name}'s sessions from now on."
        ),
        redirect_to=lambda signal_type: _list_url(org_slug, signal_type),
    )
    return done or render(
        request,
        "sessions/signals/signal_type_form.html",
        {"form": form, "signal_type": None},
        status=form_status(form),
    )


@admin_required
def signal_type_edit(request, org_slug, signaltype_id):
    signal_type = access_signal_type_by_id(
        membership=request.membership, signaltype_id=signaltype_id
    )
    form = SignalTypeForm(
        request.POST or None, organization=request.organization, signal_type=signal_type
    )
    done = form_submit(
        request,
        form,
        lambda data: services.signal_type_update(
            signal_type=signal_type, by=request.user, **form.service_kwargs()
        ),
        message=lambda signal_type: f"{signal_type.name} is saved.",
        redirect_to=lambda signal_type: _list_url(org_slug, signal_type),
        on_error=lambda error: signal_type.refresh_from_db(),
    )
    return done or render(
        request,
        "sessions/signals/signal_type_form.html",
        {"form": form, "signal_type": signal_type},
        status=form_status(form),
    )


@admin_required
@require_POST
def signal_type_archive(request, org_slug, signaltype_id):
    signal_type = access_signal_type_by_id(
        membership=request.membership, signaltype_id=signaltype_id
    )
    return action_submit(
        request,
        lambda: services.signal_type_archive(signal_type=signal_type, by=request.user),
        message=f"{signal_type.name} is archived: new sessions no longer record it. The "
        "values recorded stay.",
        redirect_to=_list_url(org_slug, signal_type),
    )


@admin_required
@require_POST
def signal_type_restore(request, org_slug, signaltype_id):
    signal_type = access_signal_type_by_id(
        membership=request.membership, signaltype_id=signaltype_id
    )
    return action_submit(
        request,
        lambda: services.signal_type_restore(signal_type=signal_type, by=request.user),
        message=f"{signal_type.name} is recorded again.",
        redirect_to=_list_url(org_slug, signal_type),
    )
