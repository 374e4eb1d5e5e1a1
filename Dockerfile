# The one image of the production-like stack (docker-compose.yml): web, worker and beat.
# No secret is baked in: SECRET_KEY and the database password come from the environment
# when a container starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (pinned in pyproject.toml), so a code change reuses this layer.
# The project itself is not packaged (no importable packages are listed), so
# `pip install .` installs exactly its dependencies; the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

RUN groupadd --system app && useradd --system --gid app --home-dir /home/app --create-home app

COPY --chown=app:app . .

# Static files with whitenoise's compressed manifest: built once, at image build time.
# DEBUG=0 selects the manifest storage; the settings refuse to start without a key, so
# collectstatic gets a throwaway one for this command only (it signs nothing).
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput \
    && chown -R app:app /app/staticfiles

USER app

EXPOSE 8000

# The web server's settings live in gunicorn.conf.py (workers, timeouts, queue limits).
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
