"""Real Celery processes for the worker tests (and bench/nudges.py): a worker or a beat on
the test database, a queue of its own, and a broker of the caller's choice; a private
redis-server on a free port, to stop and start again. Each process runs in a session of its
own, so a SIGKILL to its group kills the worker and its pool processes at once, as a machine
losing a worker would."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url(settings_dict):
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """One subprocess, its log file, and a way to wait for a line in it."""

    def __init__(self, command, env, log_path):
        self.command, self.env, self.log_path = command, env, Path(log_path)
        self.popen = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def wait_for(self, text, timeout=60, after=0):
        """Wait until ``text`` appears in the log past character ``after``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log()[after:]:
                return True
            if not self.alive():
                raise RuntimeError(f"{self.command[3:5]} died:\n{self.log()[-4000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"no {text!r} within {timeout}s:\n{self.log()[-4000:]}")

    def kill(self):
        """SIGKILL the process and everything it started (its pool); returns how many."""
        if self.popen is None:
            return 0
        pids = _group_pids(self.popen.pid)
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        return len(pids)

    def stop(self):
        if not self.alive():
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


def _group_pids(pgid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return pids


def app_env(*, database, broker, queue, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        "DATABASE_URL": database,
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": broker,
        "CELERY_QUEUE": queue,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def worker(env, log_path, *, queue, concurrency=2, pool="prefork"):
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mentorship",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "-n",
        f"{queue}-{time.monotonic_ns()}@%h",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    return Process(command, env, log_path)


def beat(env, log_path, schedule_path):
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mentorship",
        "beat",
        f"--schedule={schedule_path}",
        "--loglevel=INFO",
    ]
    return Process(command, env, log_path)


class RedisServer:
    """A private redis-server on ``port``, nothing saved to disk."""

    def __init__(self, port, log_path):
        self.port, self.log_path, self.popen = port, log_path, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self, timeout=10):
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ]
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"redis-server did not answer on {self.port}")

    def stop(self):
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)
        self.popen = None


@contextmanager
def celery_publishing_to(app, broker_url, queue):
    """Within the block, this process's Celery app publishes to ``broker_url``, on ``queue``
    (its connection pools are dropped before and after, so no connection to the previous
    broker is reused)."""

    def reset():
        for attribute in ("queues", "router", "default_queue"):
            app.amqp.__dict__.pop(attribute, None)
        app._pool = None  # dropped, not closed: kombu's own pools may share it
        app.amqp._producer_pool = None

    previous = (app.conf.broker_url, app.conf.task_default_queue)
    app.conf.broker_url, app.conf.task_default_queue = broker_url, queue
    reset()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_default_queue = previous
        reset()
