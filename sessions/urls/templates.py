"""Sessions URLs: templates (see sessions/urls/__init__.py): the library, a template's page,
its editor, and the templates a program uses."""

from django.urls import path

from ..views import templates as views

urlpatterns = [
    path("session-templates/", views.session_template_list, name="session_template_list"),
    path(
        "session-templates/<int:sessiontemplate_id>/",
        views.session_template_detail,
        name="session_template_detail",
    ),
    path(
        "session-templates/<int:sessiontemplate_id>/copy/",
        views.session_template_copy,
        name="session_template_copy",
    ),
    path(
        "session-templates/<int:sessiontemplate_id>/edit/",
        views.session_template_edit,
        name="session_template_edit",
    ),
    path(
        "session-templates/<int:sessiontemplate_id>/blocks/",
        views.session_template_blocks,
        name="session_template_blocks",
    ),
    path(
        "session-templates/<int:sessiontemplate_id>/archive/",
        views.session_template_archive,
        name="session_template_archive",
    ),
    path(
        "session-templates/<int:sessiontemplate_id>/restore/",
        views.session_template_restore,
        name="session_template_restore",
    ),
    path(
        "programs/<int:program_id>/session-templates/",
        views.program_session_templates,
        name="program_session_templates",
    ),
]
