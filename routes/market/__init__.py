from flask import Blueprint

from routes.helpers import require_any_role

bp = Blueprint("market", __name__)
bp.before_request(require_any_role)

from routes.market import api, stream  # noqa: E402, F401
