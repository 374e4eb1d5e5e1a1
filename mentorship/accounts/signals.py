"""Signals other apps listen to, so the accounts core does not import domain apps."""

from django.dispatch import Signal

# Sent inside the accepting transaction with invitation=, membership=, user=.
invitation_accepted = Signal()
