# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Pango for WeasyPrint's PDFs; Noto CJK so Chinese plans render.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY advisor advisor
COPY profiles profiles
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compiletranslations --verbosity 0 \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --no-input --verbosity 0 \
    && useradd --create-home leap && mkdir -p var && chown -R leap var
USER leap
EXPOSE 8000
