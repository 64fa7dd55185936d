"""The public status page, served from the per-process cache of the rendered site.

`status-index` and `status-file` answer every path of the site (the same paths as the static
export); `middleware.StatusPageMiddleware` answers the same requests earlier with the same
`file_response`, so both give identical bytes. `status-customer` is a customer's own page,
rendered on every request and never exported.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from warroom.catalog.models import Customer
from warroom.statuspage import customer_page
from warroom.statuspage.site import SITE, SiteFile, page_csp

CACHE_CONTROL = "public, max-age=30"


def _matches(request: HttpRequest, etag: str) -> bool:
    """Whether If-None-Match names ETAG (weak or strong, or `*`)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def _page_headers(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = page_csp()
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    return response


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether Accept-Encoding allows gzip (named without q=0)."""
    for coding in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def file_response(request: HttpRequest, site_file: SiteFile) -> HttpResponse:
    """SITE_FILE as the answer to REQUEST (GET or HEAD): 200, or 304 when the ETag matches.

    Clients that accept gzip get the compressed form, when there is one, under its own ETag.
    """
    gzipped = site_file.gzipped if accepts_gzip(request) else None
    body = gzipped or site_file.body
    etag = site_file.gzip_etag if gzipped else site_file.etag
    if _matches(request, etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(
            b"" if request.method == "HEAD" else body, content_type=site_file.content_type
        )
        response["Content-Length"] = str(len(body))
        if gzipped:
            response["Content-Encoding"] = "gzip"
    if site_file.gzipped is not None:
        response["Vary"] = "Accept-Encoding"
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Referrer-Policy"] = "no-referrer"
    if site_file.is_open_data:
        response["Access-Control-Allow-Origin"] = "*"
    return _page_headers(response)


def _serve(request: HttpRequest, path: str) -> HttpResponse:
    site_file = SITE.get(path)
    if site_file is None:
        raise Http404("No such file on the status page.")
    return file_response(request, site_file)


@require_safe
def status_index(request: HttpRequest) -> HttpResponse:
    """The page itself (index.html) at /status/."""
    return _serve(request, "index.html")


@require_safe
def status_file(request: HttpRequest, path: str) -> HttpResponse:
    """Any file of the site by its path: a page, the stylesheet, a JSON document, a feed."""
    return _serve(request, path)


@require_safe
def status_customer(request: HttpRequest, token: str) -> HttpResponse:
    """A customer's own page: their components, incidents touching them, their notices."""
    customer = get_object_or_404(Customer, page_token=token)
    context = customer_page.context(customer, timezone.now())
    response = HttpResponse(render_to_string("statuspage/public/customer.html", context))
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return _page_headers(response)
