"""WSGI entry point for any WSGI server: headway.web.wsgi:application.

The workspace comes from HEADWAY_WORKSPACE (see headway.config). Run `headway serve`
once first (or call headway.web.migrate_database()) so the app database exists.
"""

from django.core.wsgi import get_wsgi_application

from headway.config import load_settings
from headway.web import setup

setup(load_settings())
application = get_wsgi_application()
