"""Organisation pages: create, home, members, settings, audit log. Thin: resolve, check,
call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.accounts.models import Invitation
from mentorship.core.views import add_errors

from . import services
from .access import admin_required, get_for_org_or_404, member_required
from .filters import AuditEventFilter, MembershipFilter
from .forms import OrganizationCreateForm, OrganizationSettingsForm, RoleForm
from .home import home_panels
from .models import ROLE_HELP, AuditEvent, Membership, Role
from .pagination import paginate


def home(request):
    """The front door: sign-in for strangers, your organisation for members."""
    if not request.user.is_authenticated:
        return render(request, "tenancy/landing.html")
    memberships = list(Membership.objects.of_user(request.user).select_related("organization"))
    if not memberships:
        return redirect("organization_create")
    last = request.session.get("last_org")
    chosen = next((m for m in memberships if m.organization.slug == last), memberships[0])
    return redirect("org_home", org_slug=chosen.organization.slug)


@login_required
def organization_create(request):
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                time_zone=form.cleaned_data["time_zone"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{organization.name} is ready. Invite your people next.")
            return redirect("org_home", org_slug=organization.slug)
    return render(request, "tenancy/organization_create.html", {"form": form})


@member_required
def org_home(request, org_slug):
    organization = request.organization
    request.session["last_org"] = organization.slug
    context = {
        "role_help": ROLE_HELP.get(request.membership.role),
        "home_panels": home_panels(request),
    }
    if request.membership.is_leader:
        # One query: the total and each role's count together.
        counts = Membership.objects.for_org(organization).aggregate(
            total=Count("pk"), **{role: Count("pk", filter=Q(role=role)) for role in Role.values}
        )
        context["member_count"] = counts.pop("total")
        context["role_counts"] = counts
    if request.membership.is_admin:
        context["pending_invitations"] = Invitation.objects.for_org(organization).pending().count()
        context["recent_events"] = list(
            AuditEvent.objects.for_org(organization).select_related("actor")[:6]
        )
    return render(request, "tenancy/org_home.html", context)


@admin_required
def member_list(request, org_slug):
    organization = request.organization
    queryset = Membership.objects.for_org(organization).select_related("user")
    member_filter = MembershipFilter(request.GET, queryset=queryset)
    page = paginate(request, member_filter.qs)
    context = {
        "filter": member_filter,
        "page": page,
        "role_choices": Role.choices,
        "admin_count": Membership.objects.for_org(organization).admins().count(),
    }
    template = "tenancy/member_list.html"
    if request.htmx and request.htmx.target == "member-results":
        template += "#results"
    return render(request, template, context)


@admin_required
@require_POST
def member_change_role(request, org_slug, membership_id):
    membership = get_for_org_or_404(
        Membership.objects.select_related("user", "organization"),
        request.organization,
        pk=membership_id,
    )
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
    membership = get_for_org_or_404(
        Membership.objects.select_related("user", "organization"),
        request.organization,
        pk=membership_id,
    )
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
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
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                organization=organization,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("organization_settings", org_slug=org_slug)
    return render(request, "tenancy/organization_settings.html", {"form": form})


@admin_required
def audit_log(request, org_slug):
    organization = request.organization
    queryset = AuditEvent.objects.for_org(organization).select_related("actor")
    event_filter = AuditEventFilter(request.GET, queryset=queryset, organization=organization)
    page = paginate(request, event_filter.qs, per_page=50)
    template = "tenancy/audit_log.html"
    if request.htmx and request.htmx.target == "audit-results":
        template += "#results"
    return render(request, template, {"filter": event_filter, "page": page})
