"""An e-mail backend that fails the first send of each message, then delivers to files.

Used by the real-worker test: the worker's first attempt fails, Celery retries, the second
attempt writes the e-mail (django's file backend, EMAIL_FILE_PATH). Which messages have
failed once is remembered in marker files under FLAKY_EMAIL_MARKER_DIR, so it holds across
retries and processes.
"""

import hashlib
import os
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FlakyDelivery(ConnectionError):
    """The first attempt of every message fails with this."""


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        marker_dir = Path(os.environ["FLAKY_EMAIL_MARKER_DIR"])
        marker_dir.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            key = hashlib.sha256(
                f"{message.subject}\n{','.join(message.to)}\n{message.body}".encode()
            ).hexdigest()
            marker = marker_dir / key
            if not marker.exists():
                marker.touch()
                raise FlakyDelivery(f"first attempt for {message.to} fails on purpose")
        return super().send_messages(email_messages)
