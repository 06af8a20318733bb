from flask import Blueprint

from routes.helpers import guard_admin

bp = Blueprint("admin", __name__)
guard_admin(bp)

from routes.admin import (  # noqa: E402, F401
    activity,
    assistant,
    data,
    dts_log,
    funds,
    orders,
    routes,
    settings,
    users,
)
