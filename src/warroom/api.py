"""The JSON API root: /api/, OpenAPI at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="warroom", version="1", urls_namespace="api")
