from django.dispatch import Signal

session_completed = Signal()  # sent with session=, by=
