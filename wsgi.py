"""WSGI entry point for gunicorn (``gunicorn wsgi:app``) and the ``flask --app wsgi`` commands.

Settings that stop the portal are said in a line or a short list, not a traceback.
"""

from portal import create_app
from portal.config import ConfigError

try:
    app = create_app()
except ConfigError as refusal:
    raise SystemExit(str(refusal)) from None
