# Production image: gunicorn + whitenoise for the web, the same image for Celery worker and beat.
# In docker-compose.yml a Caddy proxy (Caddyfile) terminates TLS in front of it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH PORTAL_ENV=production DATA_DIR=/data

# WeasyPrint needs Pango; harfbuzz-subset keeps font subsetting fast (10x over fontTools).
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only EMAIL_URL=smtp://build.invalid \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0 \
    && useradd --system --uid 1000 portal && mkdir -p /data && chown portal /data
USER portal
EXPOSE 8000
# Bind, workers and an access log without address, user agent or /varsling/ lines:
# config/gunicorn_conf.py. Behind a proxy, add --forwarded-allow-ips=<the proxy's address>
# and BEHIND_TRUSTED_PROXY=true (docker-compose.yml does both).
CMD ["gunicorn", "config.wsgi:application", "--config=config/gunicorn_conf.py", "--preload"]
