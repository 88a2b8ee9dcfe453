# One image for web, worker and beat. It runs the web process by default (CMD);
# docker-compose.yml and docs/deployment.md give the worker's and beat's commands.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Pango for WeasyPrint's PDFs; Noto CJK so Chinese plans render, DejaVu for English ones.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the packages of the lock, each checked against its hashes, with nothing resolved
# beyond it (--no-deps), then checked complete (pip check): as leap.py and CI install.
# Leap itself runs from /app, as from a checkout.
COPY requirements.lock ./
RUN pip install --no-cache-dir --no-deps --require-hashes -r requirements.lock \
    && pip check
COPY . .
RUN python manage.py compiletranslations --verbosity 0 \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --no-input --verbosity 0 \
    && useradd --create-home leap && mkdir -p var && chown -R leap var
USER leap
EXPOSE 8000
# Liveness of this web process and its database, not of Redis or the workers
# (/healthz reports those): docs/deployment.md.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/livez' % os.getenv('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "advisor.wsgi:application"]
