"""Run-time settings the admins decide: whether users may reset their accounts."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from routes.admin import bp
from routes.helpers import client_ip
from services import settings


@bp.post("/settings/account-reset")
def set_account_reset():
    allowed = request.form.get("allowed") == "true"
    settings.set_reset_allowed(current_user, allowed, client_ip())
    flash(
        "Users may now reset their accounts." if allowed else "Account resets are now off.",
        "success",
    )
    return redirect(url_for("admin.dashboard"))
