"""An e-mail backend that records what a real worker sends, one line per e-mail, appended
to ``RECORDING_EMAIL_FILE``: ``<Message-ID>\\t<to>\\t<subject>``. Each line is written with
one ``write`` on a file opened for appending, so processes sharing the file never interleave
a line. After each e-mail it waits ``RECORDING_EMAIL_DELAY`` seconds (as an SMTP server's
answer takes time), so a worker killed on purpose dies in the middle of a batch, and most
likely in the window where the e-mail is "accepted" and its row not yet marked sent: the one
e-mail the design allows to go out again. Used by the worker-fault tests and bench/nudges.py.
"""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = os.environ["RECORDING_EMAIL_FILE"]
        self.delay = float(os.environ.get("RECORDING_EMAIL_DELAY", "0"))
        self.fd = None

    def open(self):
        if self.fd is None:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            return True
        return False

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def send_messages(self, email_messages):
        opened = self.open()
        try:
            for message in email_messages:
                message.message()  # renders it as an SMTP backend would
                line = "\t".join(
                    [
                        str(message.extra_headers.get("Message-ID", "")),
                        ",".join(message.to),
                        message.subject.replace("\t", " "),
                    ]
                )
                os.write(self.fd, (line + "\n").encode())
                if self.delay:
                    time.sleep(self.delay)
        finally:
            if opened:
                self.close()
        return len(email_messages)


def recorded(path):
    """``[(message_id, to, subject)]`` of every line recorded in ``path`` (complete lines)."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        return []
    return [tuple(line.split("\t")) for line in text.splitlines() if line.count("\t") == 2]
