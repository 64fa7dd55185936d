"""The JSON API root: /api/, OpenAPI at /api/openapi.json, docs at /api/docs.

Every route needs a bearer token or a logged-in session (`warroom.accounts.auth`). Errors
answer `{"detail": "..."}`; a 422 keeps ninja's shape, `{"detail": [{"loc": [...], "msg": ...}]}`,
where `loc` names the field. The docs page is Swagger UI served from ninja's own static files
(no CDN), with no inline script, so the site's Content-Security-Policy needs no exception.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from warroom.accounts.auth import api_auth
from warroom.cases import api_assets, api_evidence, api_tasks, api_timeline
from warroom.cases.api import router as cases_router

api = NinjaAPI(
    title="warroom",
    version="1",
    description="The case record of an incident: timeline, assets, indicators, evidence, tasks.",
    urls_namespace="api",
    auth=api_auth,
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A member whose role falls short: 403 with the reason from the access helper."""
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


api.add_router("/cases", cases_router)
for module in (api_timeline, api_assets, api_evidence, api_tasks):
    api.add_router("/cases", module.router)
