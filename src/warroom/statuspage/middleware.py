"""Answers GET and HEAD for the status page's files before the rest of the stack runs.

Sessions, authentication, CSRF and the app's CSP have nothing to do with a public file that
is the same for everyone, and skipping them is most of the cost of a request: this is what
lets `summary.json` be served thousands of times a second. It gives exactly the response
`views.status_file` would (`file_response` builds both). Place it right after
SecurityMiddleware:

    "warroom.statuspage.middleware.StatusPageMiddleware",
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, get_urlconf, reverse

from warroom.statuspage.site import SITE
from warroom.statuspage.views import file_response

# What a file of the site can end with; any other path goes on to the URLconf untouched.
SUFFIXES = (".html", ".json", ".atom", ".rss", ".css")


class StatusPageMiddleware:
    """Serves the rendered site's files under the status page's prefix (/status/)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._prefixes: dict[str | None, str | None] = {}

    def prefix(self) -> str | None:
        """Where the URLconf in use mounts the status page, or None where it does not."""
        # Resolved on first use, not when the middleware is built (the URLconf may not be
        # importable yet), and kept per URLconf: tests and sites may swap it.
        urlconf = get_urlconf()
        if urlconf not in self._prefixes:
            try:
                self._prefixes[urlconf] = reverse("status-index", urlconf=urlconf)
            except NoReverseMatch:
                self._prefixes[urlconf] = None
        return self._prefixes[urlconf]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            path = request.path_info
            prefix = self.prefix()
            if prefix is not None and path.startswith(prefix):
                name = path[len(prefix) :] or "index.html"
            else:
                name = ""
            if name.endswith(SUFFIXES):
                site_file = SITE.get(name)
                if site_file is not None:
                    request.get_host()  # refuses a Host outside ALLOWED_HOSTS, as Django does
                    return file_response(request, site_file)
        return self.get_response(request)
