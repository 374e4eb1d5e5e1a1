"""Sessions URLs: the reflective journal (D4) — My journal (list, new, an entry, edit), a
comment on a shared entry, and a pairing's journal (its mentor's page)."""

from django.urls import path

from ..views import journal as views

urlpatterns = [
    path("me/journal/", views.my_journal, name="my_journal"),
    path("me/journal/new/", views.journal_entry_create, name="journal_entry_create"),
    path(
        "me/journal/<int:journalentry_id>/",
        views.journal_entry_detail,
        name="journal_entry_detail",
    ),
    path(
        "me/journal/<int:journalentry_id>/edit/",
        views.journal_entry_edit,
        name="journal_entry_edit",
    ),
    path(
        "journal/<int:journalentry_id>/comments/",
        views.journal_comment_add,
        name="journal_comment_add",
    ),
    path("pairings/<int:pairing_id>/journal/", views.pairing_journal, name="pairing_journal"),
]
