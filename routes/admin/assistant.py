"""The admin console's view of assistant usage per user."""

from flask import render_template

from routes.admin import bp
from services.assistant import clients, limits


@bp.get("/assistant")
def assistant_usage():
    return render_template("admin/assistant.html", rows=limits.usage_by_user(), mode=clients.mode())
