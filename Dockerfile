# OneCenter container image (docs/deploy.md, "Containers"). Two stages: the build stage
# installs the Python dependencies into a venv; the runtime stage has only that venv,
# the code and the Debian libraries WeasyPrint needs at run time.
# Keep CMD in step with Procfile's `web` line (tests/portal/test_containers.py).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
# pyproject.toml lists the dependencies (no packages of its own: `packages = []`), so
# this layer is rebuilt only when they change; no dev extras.
COPY pyproject.toml README.md ./
RUN /opt/venv/bin/pip install .

FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint renders the printed forms with Pango; DejaVu has every Vietnamese glyph.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 onecenter \
    && useradd --system --uid 10001 --gid onecenter --home-dir /app --no-create-home onecenter
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    MEDIA_ROOT=/var/lib/onecenter/media \
    UPLOAD_QUARANTINE_DIR=/var/lib/onecenter/quarantine \
    CELERY_BEAT_SCHEDULE_FILENAME=/var/lib/onecenter/beat/celerybeat-schedule
WORKDIR /app
COPY . .
# Static files are collected into the image (var/static, served by whitenoise); the key
# is thrown away with this layer and never used at run time.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && rm -f var/*.sqlite3* \
    && install -d var /var/lib/onecenter/media \
        /var/lib/onecenter/quarantine /var/lib/onecenter/beat \
    && chown onecenter:onecenter var /var/lib/onecenter/media \
        /var/lib/onecenter/quarantine /var/lib/onecenter/beat
USER 10001:10001
EXPOSE 8000
# /healthz: the process answers (liveness; /readyz checks the services). Sent as the proxy would (Host = the first
# ALLOWED_HOSTS entry, X-Forwarded-Proto: https) so the HTTPS redirect does not answer
# instead; needs BEHIND_TLS_PROXY=true or ALLOW_PLAIN_HTTP=true, as compose.yaml sets.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip(); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=8)"]
CMD ["gunicorn", "-c", "onecenter/gunicorn.conf.py", "onecenter.wsgi"]
