from flask import Blueprint

from routes.helpers import require_role

bp = Blueprint("admin", __name__)
bp.before_request(require_role("admin", "auth.admin_login"))


@bp.before_request
def require_two_factor():
    """With TWO_FACTOR_REQUIRED_FOR_ADMINS, an admin without it enrols before anything else."""
    from flask import current_app, flash, redirect, url_for
    from flask_login import current_user

    from routes.helpers import json_error, wants_json
    from services import two_factor

    if not current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"]:
        return None
    if two_factor.is_enabled(current_user):
        return None
    message = "Two-factor sign-in is required for admins: turn it on at /auth/two-factor."
    if wants_json():
        return json_error(message, 403)
    flash(message, "warning")
    return redirect(url_for("auth.two_factor"))


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
