"""Run-time settings the admins decide: whether users may reset their accounts."""

from flask import flash, redirect, url_for
from flask_login import current_user

from routes.admin import bp
from routes.helpers import client_ip, json_body
from services import settings
from services.errors import ServiceError


@bp.post("/settings/account-reset")
def set_account_reset():
    allowed = _allowed(json_body().get("allowed"))
    settings.set_reset_allowed(current_user, allowed, client_ip())
    flash(
        "Users may now reset their accounts." if allowed else "Account resets are now off.",
        "success",
    )
    return redirect(url_for("admin.dashboard"))


def _allowed(raw) -> bool:
    """``allowed`` as sent, true or false (a form's text or a JSON boolean); anything else,
    or nothing, is a 400 rather than "forbid"."""
    value = str(raw).lower() if isinstance(raw, str | bool) else ""
    if value not in ("true", "false"):
        raise ServiceError("allowed must be true or false.", field="allowed")
    return value == "true"
