"""The WSGI entry point for gunicorn (or any WSGI server): `postcheck.wsgi:app`, one app per worker."""
from postcheck import create_app

app = create_app()
