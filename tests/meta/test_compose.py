"""The production-like stack (docker-compose.yml and its Dockerfile), checked without Docker.

No Docker engine runs on the development and CI machines, so the files are parsed and
their promises checked: the five services, what each runs, health checks and start order,
secrets only from the environment, and settings that accept the stack's environment.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE", re.IGNORECASE)
REQUIRED_VAR = re.compile(r"^\$\{(?P<name>[A-Z_][A-Z0-9_]*):\?[^}]*\}$")
URL_PASSWORD = re.compile(r"://[^:/@\s]*:(?P<password>[^@\s]*)@")
INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_text(service):
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):  # the KEY=value list form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def interpolate(text, variables):
    """Compose's variable syntax: $$, ${NAME}, ${NAME:-default}, ${NAME:?error}."""

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        value = variables.get(name)
        if op and op.endswith("?") and not value:
            raise KeyError(f"{name} is required: {arg}")
        if op and op.endswith("-") and not value:
            return arg
        return value or ""

    return INTERPOLATION.sub(replace, text)


def test_the_five_services_exist(services):
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)


def test_web_migrates_collects_static_then_runs_gunicorn(services):
    web = services["web"]
    text = command_text(web)
    assert "gunicorn" in text and "gunicorn.conf.py" in text  # which names mentorship.wsgi
    assert text.index("migrate") < text.index("collectstatic") < text.index("gunicorn")
    assert "exec gunicorn" in text, "gunicorn must replace the shell to receive signals"
    assert environment(web)["DEBUG"] == "0"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_run_celery_on_the_project_app(services, name):
    args = command_text(services[name]).split()
    assert args[0] == "celery"
    assert "-A" in args and args[args.index("-A") + 1] == "mentorship"
    assert name in args


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_build_the_dockerfile_and_wait_for_healthy_services(services, name):
    service = services[name]
    build = service.get("build")
    context = build if isinstance(build, str) else (build or {}).get("context")
    assert context in {".", "./"}, f"{name} must be built from this folder's Dockerfile"
    depends = service.get("depends_on")
    assert isinstance(depends, dict), f"{name} must wait on health, not only on start"
    for dependency in ("postgres", "redis"):
        assert depends[dependency]["condition"] == "service_healthy"
    env = environment(service)
    assert REQUIRED_VAR.match(env["SECRET_KEY"]), "SECRET_KEY must come from the environment"
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


@pytest.mark.parametrize(("name", "image"), [("postgres", "postgres:16"), ("redis", "redis:7")])
def test_postgres_and_redis_have_healthchecks(services, name, image):
    service = services[name]
    assert service["image"] == image
    check = service.get("healthcheck") or {}
    assert check.get("test"), f"{name} needs a healthcheck"
    assert not check.get("disable")
    assert any(
        volume.endswith(("/var/lib/postgresql/data", "/data")) for volume in service["volumes"]
    )


def symbolic(text):
    """Each variable shown as <NAME>, so what is literal in a value stands out."""
    return INTERPOLATION.sub(lambda m: "$" if m.group(0) == "$$" else f"<{m.group('name')}>", text)


def test_no_literal_secret_values(services):
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_VAR.match(value), (
                    f"{name}.{key} must be ${{{key}:?...}} from the environment, not a value"
                )
            for match in URL_PASSWORD.finditer(symbolic(value)):
                variable = re.fullmatch(r"<(?P<name>[A-Z_][A-Z0-9_]*)>", match.group("password"))
                assert variable and SECRET_NAME.search(variable.group("name")), (
                    f"{name}.{key} has a password in its URL that is not from the environment"
                )
    # Every secret-named variable anywhere in the file (x- blocks, commands, URLs) is
    # required from the environment: never given a default value.
    for match in INTERPOLATION.finditer(COMPOSE.read_text()):
        name, op, arg = match.group("name", "op", "arg")
        if name and SECRET_NAME.search(name):
            assert op == ":?", f"${{{name}}} must be required (:?), never defaulted ({arg!r})"


def test_dockerfile_installs_the_project_as_a_non_root_user():
    assert DOCKERFILE.exists()
    lines = [
        line.strip()
        for line in DOCKERFILE.read_text().replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[0].startswith("FROM python:3.11-slim")
    runs = [line for line in lines if line.startswith("RUN ")]
    assert any(re.search(r"pip install (\S+ )*\.(\s|$)", run) for run in runs)
    assert any("collectstatic" in run for run in runs)
    copies = " ".join(line for line in lines if line.startswith("COPY "))
    assert "pyproject.toml" in copies
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}, "the app must not run as root"
    for line in lines:
        if line.startswith(("ENV ", "ARG ")):
            assert not SECRET_NAME.search(line), f"no secret baked into the image: {line}"


def test_dockerignore_keeps_local_and_secret_files_out():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in (".git", ".venv", ".env", "var/", "*.sqlite3"):
        assert entry in ignored, f".dockerignore must list {entry}"


def test_compose_refuses_to_start_without_secrets(services):
    env = environment(services["web"])
    with pytest.raises(KeyError, match="SECRET_KEY"):
        interpolate(env["SECRET_KEY"], {})
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        interpolate(env["DATABASE_URL"], {"SECRET_KEY": "x"})


def test_settings_accept_the_stacks_environment_and_pass_deploy_checks(services):
    """The web container's environment, as compose would give it, makes `check --deploy`
    silent (the database is not contacted)."""
    given = {"SECRET_KEY": "k" * 50 + "-compose-test", "POSTGRES_PASSWORD": "compose-test"}
    env = {key: interpolate(value, given) for key, value in environment(services["web"]).items()}
    child_env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    }
    child_env.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_the_app_shares_one_cache_on_redis_apart_from_the_broker(services, name):
    """allauth's sign-in limits count in the cache: every worker and host must share it."""
    env = environment(services[name])
    cache = interpolate(env["CACHE_URL"], {})
    assert cache.startswith("redis://redis:6379/")
    assert cache != interpolate(env["CELERY_BROKER_URL"], {}), "the cache has its own Redis db"


def test_web_reads_the_client_address_from_the_trusted_proxy(services):
    """The stack expects one TLS proxy in front (see the file's header): the client's address
    is the last one that proxy appended to X-Forwarded-For, so one shared proxy address does
    not lock everyone out. Another layout sets TRUSTED_PROXY_COUNT or the trusted header."""
    env = environment(services["web"])
    assert interpolate(env["TRUSTED_PROXY_COUNT"], {}) == "1"
    assert interpolate(env["TRUSTED_PROXY_COUNT"], {"TRUSTED_PROXY_COUNT": "2"}) == "2"
    assert interpolate(env["TRUSTED_CLIENT_IP_HEADER"], {}) == ""


# --- gunicorn: its settings in gunicorn.conf.py, read by the image and the stack -------------

GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def gunicorn_settings(**env):
    """gunicorn.conf.py as gunicorn reads it (its own validators), with ``env`` set."""
    import runpy

    from gunicorn.config import Config

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        namespace = runpy.run_path(str(GUNICORN_CONF))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    unknown = {
        name
        for name, value in namespace.items()
        if not name.startswith("_")
        and not callable(value)
        and name not in config.settings
        and name not in {"gc", "os"}
    }
    assert not unknown, f"gunicorn.conf.py sets what gunicorn does not know: {unknown}"
    return config


def test_web_and_the_image_run_gunicorn_with_its_config_file_only(services):
    command = command_text(services["web"])
    tail = command[command.index("exec gunicorn") :].split()
    assert tail == ["exec", "gunicorn", "--config", "gunicorn.conf.py"], (
        "every gunicorn setting belongs in gunicorn.conf.py, not on a command line"
    )
    cmd = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD ")]
    assert cmd == ['CMD ["gunicorn", "--config", "gunicorn.conf.py"]']
    assert GUNICORN_CONF.exists()


def test_gunicorn_serves_the_project_and_drops_what_waited_too_long():
    config = gunicorn_settings()
    assert config.wsgi_app == "mentorship.wsgi:application"
    assert config.address and config.settings["bind"].value == ["0.0.0.0:8000"]
    from mentorship import wsgi
    from mentorship.core.queueing import DropStaleRequests

    assert isinstance(wsgi.application, DropStaleRequests)


def test_gunicorn_settings_bound_how_long_a_request_can_wait_or_run():
    config = gunicorn_settings()
    assert config.worker_class_str == "sync"
    assert config.workers == 3
    # A worker stuck on one request is replaced well before a proxy's 60 s read timeout,
    # and a restart lets requests in flight finish, but not for longer than that.
    assert 0 < config.timeout <= 30
    assert 0 < config.graceful_timeout <= config.timeout
    assert 0 < config.keepalive <= 10
    # The accept queue is short: a few dozen requests a worker, not gunicorn's 2048.
    assert config.backlog == 64 * config.workers
    # Workers are recycled, not all at once.
    assert config.max_requests >= 500 and 0 < config.max_requests_jitter < config.max_requests
    assert config.accesslog == "-"


def test_gunicorn_settings_follow_the_environment():
    config = gunicorn_settings(
        WEB_CONCURRENCY="5",
        GUNICORN_TIMEOUT="12",
        GUNICORN_BACKLOG="100",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_BIND="127.0.0.1:9000",
    )
    assert config.workers == 5 and config.timeout == 12 and config.backlog == 100
    assert config.max_requests == 0 and config.accesslog is None
    assert config.settings["bind"].value == ["127.0.0.1:9000"]


def test_gunicorn_freezes_what_a_worker_loaded_out_of_the_garbage_collector(monkeypatch):
    import gc

    config = gunicorn_settings()
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    config.post_worker_init(object())
    assert calls == ["collect", "freeze"]


def test_the_readme_explains_the_gunicorn_settings():
    text = (ROOT / "README.md").read_text()
    for name in ("gunicorn.conf.py", "WEB_CONCURRENCY", "REQUEST_QUEUE_TIMEOUT", "X-Request-Start"):
        assert name in text, f"README.md must explain {name}"
