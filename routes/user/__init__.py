from flask import Blueprint

from routes.helpers import require_role

bp = Blueprint("user", __name__)
bp.before_request(require_role("user", "auth.login"))

from routes.user import analysis, analysis_pages, api, market, profile, routes, trading  # noqa: E402, F401
from routes.user import assistant  # noqa: E402, F401
