"""gunicorn's settings: the one place the web server is configured.

Read by the Dockerfile's command and docker-compose.yml's web service (`gunicorn -c
gunicorn.conf.py`), and by bench/pages.py, so what is measured is what is deployed. Every
value can be changed from the environment without editing this file; the names are below.

The site expects a proxy in front (TLS, see docker-compose.yml): it buffers slow clients, so
gunicorn's workers never wait on a client's network, and it stamps each request with the time
it arrived (X-Request-Start), which lets the application drop a request that waited too long
in the queue (mentorship.core.queueing: a request whose client has most likely given up is
answered 503 without being served).
"""

import gc
import os


def _int(name, default):
    return int(os.environ.get(name) or default)


wsgi_app = "mentorship.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"

# Sync workers: one request at a time per process, the model gunicorn recommends behind a
# buffering proxy. Pages are short and mostly Python (templates, the ORM), so threads would
# share one interpreter lock and add no throughput, only latency and a database connection
# each. How many: WEB_CONCURRENCY (gunicorn's own variable), about two per core.
worker_class = "sync"
workers = _int("WEB_CONCURRENCY", 3)

# Waiting requests queue in the kernel's accept queue, not inside a worker. A short queue
# bounds how long a request can wait there: past `backlog` waiting connections the proxy
# is refused at once and answers its own error, instead of the client waiting on a request
# that is served after they left. 64 a worker is a few seconds of work at the pages' speed.
backlog = _int("GUNICORN_BACKLOG", 64 * workers)

# A request still running after `timeout` seconds has its worker killed and replaced (a
# page takes milliseconds; a matching run too big to solve inline goes to Celery), so
# nothing keeps working for a client the proxy has long answered with a timeout. Keep it
# below the proxy's read timeout (nginx: 60 s).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On a restart or a deploy (SIGTERM), requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Seconds an idle connection from the proxy is kept open for its next request (sync
# workers close after each response anyway; this matters for other worker classes).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Each worker is replaced after about this many requests, the jitter spreading the restarts
# so that the workers are not all replaced at once: memory a long-lived process accumulates
# (caches, fragmentation) is given back. 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The heartbeat file of each worker on a memory file system where there is one (Docker's
# overlay file system can stall the heartbeat and get a healthy worker killed).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Access log on stdout (the container's log); GUNICORN_ACCESS_LOG="" turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"


def post_worker_init(worker):
    """Once the worker has loaded Django, move what it loaded out of the garbage
    collector's sight: the full collections that otherwise walk every module, model and
    template every few dozen requests (about 75 ms each here) then walk only what requests
    allocate."""
    gc.collect()
    gc.freeze()
