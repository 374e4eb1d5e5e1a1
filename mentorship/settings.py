"""One settings module, configured by environment variables.

With no variable set, the quick start works with no server: SQLite in the project folder,
Celery tasks run in-process, e-mail printed on the console. Production sets DATABASE_URL,
CELERY_BROKER_URL (or REDIS_URL), SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and EMAIL_URL.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    # A development key, stable per checkout so sessions survive restarts; never committed.
    _key_file = BASE_DIR / "var" / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        SECRET_KEY = get_random_secret_key()
        try:
            _key_file.parent.mkdir(parents=True, exist_ok=True)
            _key_file.write_text(SECRET_KEY)
        except OSError:
            pass

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "mentorship.tenancy",
    "mentorship.accounts",
    "mentorship.notifications",
    "programs.apps.ProgramsConfig",
    "matching.apps.MatchingConfig",
    "sessions.apps.SessionsConfig",
    "metrics.apps.MetricsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorship.tenancy.middleware.OrganizationMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.tenancy.context_processors.organization",
                "mentorship.notifications.context_processors.bell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planning, not running, was most of the time of the widest reads (a participant with
    # person, manager, cohort, program, intakes and readiness: eight relations planned
    # exhaustively took 15-20 ms for a query that runs in 1 ms). Past six joined relations
    # the planner keeps the order Django writes (the filtered table first, then outward by
    # foreign keys). DATABASE_JOIN_COLLAPSE_LIMIT=8 is PostgreSQL's own default; empty leaves
    # the server's setting (for a pooler that refuses startup options).
    _join_limit = os.environ.get("DATABASE_JOIN_COLLAPSE_LIMIT", "6")
    if _join_limit:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = " ".join(
            filter(None, [_options.get("options"), f"-c join_collapse_limit={int(_join_limit)}"])
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("FAST_PASSWORD_HASHER", False)
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)

# django-allauth: e-mail is the login; verification is mandatory; rate limits on login
# failures, sign-ups, resets and confirmation mails, counted in the shared cache (CACHES).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up asks for a name too (issue 10).
ACCOUNT_SIGNUP_FORM_CLASS = "mentorship.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "mentorship.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentorship] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The client's address, which the per-address limits count by. Behind proxies, set
# TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (or
# TRUSTED_CLIENT_IP_HEADER to a header one trusted proxy sets, e.g. X-Real-IP); else every
# client counts as the proxy's address and one shared address locks everyone out. Without
# a proxy keep 0: X-Forwarded-For from a client is not to be believed.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Mentorship")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files (profile photos) on the default storage. Whitenoise serves static files
# only, so media are served by a view with an access check, in DEBUG and in production alike
# (``mentorship.accounts.views.media_photo``: a photo only to members of its organisation).
# In production MEDIA_ROOT is a volume shared by the web processes (docker-compose.yml), or
# set STORAGES["default"] to an object store; README "Media" says how.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")


# E-mail: EMAIL_URL=smtp://user:pass@host:587?tls=1 | console: | file:///path | locmem:
def _email_settings(url):
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme in {"smtp", "smtps", "submission"}:
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme != "smtps" and query.get("tls", "1") not in {"0", "false"},
            "EMAIL_TIMEOUT": 10,
        }
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


globals().update(_email_settings(os.environ.get("EMAIL_URL", "console:")))
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mentorship <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery on Redis. With no broker the tasks run in-process, so the quick start needs no
# server; a task that fails there is retried in-process too.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "mentorship")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: fail fast, the sweep catches up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Nudges (B6): the state in PostgreSQL says what is due; beat only wakes the sweeps. The
# delivery sweep runs every 20 s, so e-mails stored while the broker was down go out within
# a minute of its return; the reminder sweep (every app's reminders and the digests) every
# minute. A claimed e-mail whose worker died is taken again after NUDGE_CLAIM_TIMEOUT s.
NUDGE_CLAIM_TIMEOUT = int(os.environ.get("NUDGE_CLAIM_TIMEOUT", "120"))
# A failed send is tried again after NUDGE_RETRY_SECONDS, then twice as long each time.
NUDGE_RETRY_SECONDS = int(os.environ.get("NUDGE_RETRY_SECONDS", "30"))
CELERY_BEAT_SCHEDULE = {
    "nudges-deliver": {
        "task": "notifications.sweep_deliveries",
        "schedule": 20.0,
    },
    "nudges-reminders": {
        "task": "notifications.sweep_reminders",
        "schedule": 60.0,
    },
    "matching-directory-expiry": {
        "task": "matching.expire_offering_requests",
        "schedule": 3600.0,
    },
    # Indicator snapshots (metrics): events' recompute requests past due, and every night
    # everything (02:30 UTC).
    "metrics-recompute-requests": {
        "task": "metrics.sweep_recompute_requests",
        "schedule": 5.0,
    },
    "metrics-nightly": {
        "task": "metrics.sweep_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
}

# The site's public address, for links in e-mails sent outside a request (tasks, beat).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# One cache shared by every worker and host: allauth counts failed sign-ins there, so a
# per-process cache would multiply its limits by the number of workers. Redis when
# CACHE_URL (or else REDIS_URL) names one; otherwise the database, in the table
# mentorship.tenancy's migration 0003 creates, so `migrate` is the only step.
CACHE_TABLE = "mentorship_cache"
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # An unreachable Redis is an empty cache, so the site keeps serving.
            "BACKEND": "mentorship.core.cache.ResilientRedisCache",
            "LOCATION": _cache_url,
        }
    }
    # Every signed-in request reads its session: from Redis, written through to the
    # database (a miss, or Redis down, reads the database as before). With the database
    # cache the session stays in its own table: caching it there would add a query.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }

INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", "14"))

# Security: production values make `manage.py check --deploy` silent.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

FORM_RENDERER = "mentorship.forms.FormRenderer"
