from flask import Blueprint

bp = Blueprint("auth", __name__)

from routes.auth import routes, two_factor  # noqa: E402, F401
