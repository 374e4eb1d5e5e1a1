"""Drop requests that waited in the queue so long that their client has most likely gone.

Under a burst, requests wait (in the proxy, in the kernel's accept queue) for a free worker.
One that waited longer than its client or the proxy will wait for the answer is served for
nobody, and delays every request behind it. The proxy in front stamps each request with the
time it arrived; if that stamp says the request waited longer than ``REQUEST_QUEUE_TIMEOUT``
seconds (20 by default; 0 turns the check off), the request is answered 503 at once, before
Django runs, so no session is read and no view does its work.

The stamp is the ``X-Request-Start`` header, as Heroku's router sets it (milliseconds since
the epoch) or nginx with ``proxy_set_header X-Request-Start "t=${msec}";`` (seconds, with
milliseconds); microseconds (Apache's ``%t``) are understood too. Without the header nothing
is checked. The proxy must set the header itself, overwriting a client's: a client that sends
an old stamp only gets itself a 503.
"""

import logging
import os
import time

logger = logging.getLogger(__name__)

HEADER = "HTTP_X_REQUEST_START"
DEFAULT_LIMIT = 20.0


def request_start(value):
    """The time a proxy stamped as ``X-Request-Start``, in seconds since the epoch, or None
    when the value is not a time ("t=1700000000.123", "1700000000123", "t=1700000000123456")."""
    text = value.strip()
    if text.startswith("t="):
        text = text[2:]
    try:
        number = float(text)
    except ValueError:
        return None
    if not number > 0:  # also refuses nan
        return None
    for scale in (1, 1e3, 1e6, 1e9):  # seconds, milliseconds, microseconds, nanoseconds
        if number / scale < 1e11:  # before the year 5138 in seconds
            return number / scale
    return None


class DropStaleRequests:
    """WSGI middleware: a request stamped longer ago than ``limit`` seconds gets a 503."""

    def __init__(self, app, limit=None, clock=time.time):
        self.app = app
        if limit is None:
            limit = float(os.environ.get("REQUEST_QUEUE_TIMEOUT") or DEFAULT_LIMIT)
        self.limit = limit
        self.clock = clock

    def waited(self, environ):
        """Seconds the request waited since the proxy stamped it, or None."""
        value = environ.get(HEADER)
        if not value:
            return None
        start = request_start(value)
        if start is None:
            return None
        return self.clock() - start

    def __call__(self, environ, start_response):
        if self.limit > 0:
            waited = self.waited(environ)
            if waited is not None and waited > self.limit:
                logger.warning(
                    "Dropped %s %s: it waited %.1f s in the queue (limit %.0f s)",
                    environ.get("REQUEST_METHOD", ""),
                    environ.get("PATH_INFO", ""),
                    waited,
                    self.limit,
                )
                body = b"The site was too busy to answer in time. Please try again.\n"
                start_response(
                    "503 Service Unavailable",
                    [
                        ("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body))),
                        ("Retry-After", "5"),
                        ("Cache-Control", "no-store"),
                    ],
                )
                return [body]
        return self.app(environ, start_response)
