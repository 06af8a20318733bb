from flask import Blueprint

from routes.helpers import require_role

bp = Blueprint("user", __name__)
bp.before_request(require_role("user", "auth.login"))

from routes.user import (  # noqa: E402, F401
    alerts,
    analysis,
    analysis_pages,
    api,
    assistant,
    dts,
    market,
    profile,
    routes,
    rules,
    trading,
)
