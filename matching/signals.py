"""Signals matching sends, for apps whose dependency on matching would otherwise point
backwards.

``pairing_accepted``: sent with ``pairing=``, ``by=`` (the mentor) inside the acceptance's
transaction, so what a receiver writes (sessions creates the pairing's 90-day plan) commits
or rolls back with the acceptance itself.
"""

from django.dispatch import Signal

pairing_accepted = Signal()
