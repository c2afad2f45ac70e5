"""WSGI entry point for gunicorn: `gunicorn -c src/api/gunicorn.conf.py api.wsgi:app`."""

from api import create_app

app = create_app()
