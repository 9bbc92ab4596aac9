# tilsyn: the API server. Build: `docker build -t tilsyn .`
# Run it with at least TILSYN_SECRET_KEY set (production mode refuses the development key) and, for anything but a
# trial, TILSYN_DATABASE_URL=postgresql+psycopg://... ; without it the data is SQLite in /app/var (mount a volume).
FROM python:3.11-slim

# PYTHONPATH=/app: import api/, domain/ and migrations/ from /app, next to alembic.ini, so the paths the service
# derives from its own location (alembic.ini, migrations/, the SQLite default in var/) resolve inside /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONPATH=/app \
    TILSYN_ENVIRONMENT=production \
    WEB_CONCURRENCY=2

WORKDIR /app

RUN groupadd --system --gid 10001 tilsyn \
    && useradd --system --uid 10001 --gid tilsyn --home-dir /app --no-create-home --shell /usr/sbin/nologin tilsyn

COPY requirements.lock pyproject.toml README.md alembic.ini ./
COPY domain/ domain/
COPY api/ api/
COPY migrations/ migrations/

# Installs exactly the locked versions, each file checked against its hash (the lock also pins setuptools, which
# builds the project), then the project and its `tilsyn` command, which resolve nothing: the commands `make` runs,
# with the runtime lock. Build leftovers are removed in the same layer.
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
    && pip install --no-cache-dir --no-deps --no-build-isolation . \
    && rm -rf build ./*.egg-info \
    && mkdir -p var \
    && chown tilsyn:tilsyn var

USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Migrate, then `exec` so the server replaces the shell as PID 1 and receives SIGTERM from `docker stop`.
# `tilsyn serve` starts WEB_CONCURRENCY worker processes (2 unless `docker run -e WEB_CONCURRENCY=N`).
CMD ["sh", "-c", "tilsyn migrate && exec tilsyn serve --host 0.0.0.0 --port 8000"]
