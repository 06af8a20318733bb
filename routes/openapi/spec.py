"""Build the OpenAPI 3.1 document from routes.openapi.paths."""

from functools import cache

from pydantic.json_schema import models_json_schema

from routes.openapi import models as m
from routes.openapi.endpoint import JSON, Endpoint
from routes.openapi.paths import ENDPOINTS

REF = "#/components/schemas/{model}"
ERRORS = {
    "400": "Bad input: the error names the field",
    "401": "No valid API token or session",
    "403": "Not allowed for this role",
    "404": "No such row (or not yours)",
    "409": "The row is no longer in a state that allows this",
    "413": "The body is too large",
    "429": "Too many attempts",
    "503": "Busy or no current price; nothing was changed",
}
# Answered by the HTTP server (gunicorn) before the app sees the request: its own page.
SERVER_LIMITS = {"414": "The request line (path and query) is longer than the server takes"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


@cache
def document() -> dict:
    """The whole document (built once per process)."""
    schemas = _schemas()
    paths: dict = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PaperDesk API",
            "version": "1",
            "description": "Simulated trading with virtual money. Authenticate with "
            "`Authorization: Bearer pd_...` (create a token on the account page). Money and "
            "prices are strings of plain decimals.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


def _schemas() -> dict:
    requests = {e.body for e in ENDPOINTS if e.body is not None}
    answers = {e.answer for e in ENDPOINTS if e.answer is not None} | {m.Error}
    pairs = [(model, "validation") for model in requests]
    pairs += [(model, "serialization") for model in answers]
    _, top = models_json_schema(pairs, ref_template=REF)
    return top.get("$defs", {})


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(endpoint: Endpoint) -> dict:
    operation = {
        "summary": endpoint.summary,
        "operationId": f"{endpoint.method}_{endpoint.path.strip('/').replace('/', '_')}",
        "tags": [endpoint.role],
        "parameters": [_path_param(name) for name in endpoint.path_params]
        + [
            {"name": q.name, "in": "query", "required": q.required, "schema": q.schema}
            for q in endpoint.query
        ],
        "responses": {
            endpoint.status: {"description": "Done", "content": _answer(endpoint)},
            **{
                code: {"description": text, "content": _json(m.Error)}
                for code, text in ERRORS.items()
            },
            **{
                code: {
                    "description": text,
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
                for code, text in SERVER_LIMITS.items()
            },
        },
    }
    if "/api/" not in endpoint.path:  # also a browser form: without a token, sent to sign in
        operation["responses"]["302"] = {"description": "Not signed in: sent to the sign-in page"}
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(endpoint.body)}
    return operation


def _path_param(name: str) -> dict:
    schema = ID if name.endswith("_id") else {"type": "string", "maxLength": 12}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _json(model) -> dict:
    return {JSON: {"schema": _ref(model)}}


def _answer(endpoint: Endpoint) -> dict:
    if endpoint.answer is None:  # CSV or an event stream
        return {endpoint.media: {"schema": {"type": "string"}}}
    return _json(endpoint.answer)
