FROM python:3.11-slim-bookworm

# Pango (and HarfBuzz's subsetter) for WeasyPrint's PDF reports; fonts for the PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
RUN pip install --no-cache-dir -c constraints.txt .

COPY . .
RUN SECRET_KEY=build-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app \
 && mkdir -p /data/media && chown -R app /data

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
