# Tandem: one image for every replica. Build: docker build -t tandem .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000 LOG_FORMAT=json TANDEM_CONFIG=/app/app.yaml

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin tandem
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY app.yaml ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage

USER tandem
EXPOSE 3000

# /healthz answers 503 when the database is unreachable or the scheduler is not running.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

# serve migrates on start (under a PostgreSQL advisory lock, so replicas starting together migrate once)
# and stops gracefully on SIGTERM: no new work, claimed outbox rows released, scheduler and database closed.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "serve"]
