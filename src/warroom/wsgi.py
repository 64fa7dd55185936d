"""The WSGI application served by `warroom up` (waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
application = get_wsgi_application()
