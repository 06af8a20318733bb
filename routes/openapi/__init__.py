"""The OpenAPI 3.1 document of the JSON API (/api/openapi.json) and a page that shows it
(/api/docs), both built from the pydantic models that validate requests and describe
answers."""

from flask import Blueprint

bp = Blueprint("openapi", __name__)

from routes.openapi import views  # noqa: E402, F401
