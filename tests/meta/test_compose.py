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
    assert "gunicorn" in text and "mentorship.wsgi" in text
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
