"""Nudge pages: being built (issue 11); every view answers 404 until its page lands."""

from django.http import Http404

from mentorship.tenancy.access import admin_required, member_required


def _not_yet(*args, **kwargs):
    raise Http404("Not built yet")


inbox = member_required(_not_yet)
inbox_read_all = member_required(_not_yet)
inbox_read = member_required(_not_yet)
inbox_unread = member_required(_not_yet)
nudge_preferences = member_required(_not_yet)
outbox = admin_required(_not_yet)
unsubscribe = _not_yet
checkin = _not_yet
