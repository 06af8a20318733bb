from flask import Blueprint

from routes.helpers import require_role

bp = Blueprint("admin", __name__)
bp.before_request(require_role("admin", "auth.admin_login"))

from routes.admin import data, funds, orders, routes, settings, users  # noqa: E402, F401
