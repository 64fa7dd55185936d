"""/api/openapi.json and /api/docs: the API describes itself, offline."""

from __future__ import annotations

import re

from django.test import Client


def test_it_serves_the_openapi_schema(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "warroom"
    assert "/api/cases/{ref}/timeline" in schema["paths"]
    assert set(schema["paths"]["/api/cases/{ref}/indicators/{indicator_id}"]) == {"patch"}
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_it_documents_the_allowed_values(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    severity = schema["components"]["schemas"]["Severity"]
    assert severity["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]


def test_it_serves_the_docs_from_its_own_static_files(db: None) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no CDN: warroom runs offline"


def test_it_needs_no_csp_exception_for_the_docs(db: None) -> None:
    response = Client().get("/api/docs")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    # Every script is a file from our origin, or JSON data that the browser never runs.
    for attributes, body in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert not body.strip() or "application/json" in attributes
