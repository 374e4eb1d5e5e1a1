"""Organisation pages: create, home, members, settings, audit log. Thin: resolve, check,
call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.accounts.selectors import invitation_pending_count
from mentorship.core.views import error_text, form_submit, list_template

from . import selectors, services
from .access import access_membership_by_id, admin_required, member_required
from .audit_display import audit_describe
from .filters import AuditEventFilter, MembershipFilter
from .forms import OrganizationCreateForm, OrganizationSettingsForm, RoleForm
from .home import home_panels
from .models import ROLE_HELP, Role
from .pagination import paginate


def home(request):
    """The front door: sign-in for strangers, your organisation for members."""
    if not request.user.is_authenticated:
        return render(request, "tenancy/landing.html")
    memberships = list(selectors.memberships_of_user(user=request.user))
    if not memberships:
        return redirect("organization_create")
    last = request.session.get("last_org")
    chosen = next((m for m in memberships if m.organization.slug == last), memberships[0])
    return redirect("org_home", org_slug=chosen.organization.slug)


@login_required
def organization_create(request):
    form = OrganizationCreateForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.organization_create(
            name=data["name"], slug=data["slug"], time_zone=data["time_zone"], by=request.user
        ),
        message=lambda organization: f"{organization.name} is ready. Invite your people next.",
        redirect_to=lambda organization: reverse("org_home", args=[organization.slug]),
    )
    return done or render(request, "tenancy/organization_create.html", {"form": form})


@member_required
def org_home(request, org_slug):
    organization = request.organization
    if request.session.get("last_org") != organization.slug:
        # Written only when it changes: setting it on every visit saved the session (an
        # UPDATE and a commit) on every home page.
        request.session["last_org"] = organization.slug
    context = {
        "role_help": ROLE_HELP.get(request.membership.role),
        "home_panels": home_panels(request),
    }
    if request.membership.is_leader:
        context["member_count"], context["role_counts"] = selectors.membership_counts(
            organization=organization
        )
    if request.membership.is_admin:
        context["pending_invitations"] = invitation_pending_count(organization=organization)
        context["recent_events"] = selectors.audit_events_recent(organization=organization)
    return render(request, "tenancy/org_home.html", context)


@admin_required
def member_list(request, org_slug):
    organization = request.organization
    member_filter = MembershipFilter(
        request.GET, queryset=selectors.membership_list(organization=organization)
    )
    context = {
        "filter": member_filter,
        "page": paginate(request, member_filter.qs),
        "role_choices": Role.choices,
        "admin_count": selectors.admin_count(organization=organization),
    }
    template = list_template(request, "tenancy/member_list.html", "member-results")
    return render(request, template, context)


@admin_required
@require_POST
def member_change_role(request, org_slug, membership_id):
    membership = access_membership_by_id(membership=request.membership, membership_id=membership_id)
    form = RoleForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as exc:
            error = exc.message_dict.get("role", exc.messages)[0]
    else:
        error = "Choose admin, leader or member."
    if request.htmx:
        # The row fragment answers in place (its own error next to the select).
        membership.refresh_from_db(fields=["role"])
        return render(
            request,
            "tenancy/member_list.html#member-row",
            {
                "member": membership,
                "role_choices": Role.choices,
                "row_error": error,
                "row_saved": error is None,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("member_list", org_slug=org_slug)


@admin_required
def member_remove(request, org_slug, membership_id):
    membership = access_membership_by_id(membership=request.membership, membership_id=membership_id)
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, f"{membership.user} was removed from the organisation.")
            if membership.user_id == request.user.pk:
                return redirect("home")
            return redirect("member_list", org_slug=org_slug)
    return render(
        request,
        "tenancy/member_remove.html",
        {"member": membership, "error": error},
        status=400 if error else 200,
    )


@admin_required
def organization_settings(request, org_slug):
    organization = request.organization
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    done = form_submit(
        request,
        form,
        lambda data: services.organization_update(
            organization=organization,
            name=data["name"],
            time_zone=data["time_zone"],
            by=request.user,
        ),
        message="Settings saved.",
        redirect_to=reverse("organization_settings", args=[org_slug]),
    )
    return done or render(request, "tenancy/organization_settings.html", {"form": form})


@admin_required
def audit_log(request, org_slug):
    organization = request.organization
    event_filter = AuditEventFilter(
        request.GET,
        queryset=selectors.audit_event_list(organization=organization),
        organization=organization,
    )
    page = paginate(request, event_filter.qs, per_page=50)
    page.object_list = audit_describe(page.object_list, organization=organization)
    template = list_template(request, "tenancy/audit_log.html", "audit-results")
    return render(request, template, {"filter": event_filter, "page": page})
