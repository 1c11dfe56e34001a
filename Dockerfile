# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
COPY requirements/main.txt requirements/main.txt
RUN pip install --require-hashes -r requirements/main.txt

COPY . .
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    EMAIL_URL=dummymail:// EMAIL_DROP_ALLOWED=True TRUSTED_PROXIES=127.0.0.1 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app consult \
    && mkdir -p /app/var && chown consult /app/var

USER consult
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--config", "python:config.gunicorn", "--bind", "0.0.0.0:8000"]
