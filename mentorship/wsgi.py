"""WSGI entry point for gunicorn (gunicorn.conf.py names it).

A request that waited in the queue past REQUEST_QUEUE_TIMEOUT seconds, by the proxy's
X-Request-Start stamp, is answered 503 before Django runs (mentorship.core.queueing).
"""

import os

from django.core.wsgi import get_wsgi_application

from mentorship.core.queueing import DropStaleRequests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
application = DropStaleRequests(get_wsgi_application())
