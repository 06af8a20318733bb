"""/api/openapi.json and the /api/docs page."""

from flask import jsonify, render_template

from routes.openapi import bp
from routes.openapi.spec import document


@bp.get("/api/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.get("/api/docs")
def docs():
    return render_template("openapi/docs.html", doc=document())
