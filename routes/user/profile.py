"""The profile page: display name, time zone, default order size, and the account reset."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from routes.helpers import client_ip
from routes.user import bp
from services import profile, resets, settings
from services.errors import ServiceError
from utils.formatting import money, zone_names


def _render(errors: dict | None = None, values: dict | None = None, status: int = 200):
    user = current_user
    values = values or {
        "display_name": user.display_name or "",
        "time_zone": user.time_zone or "",
        "default_order_quantity": user.default_order_quantity or "",
    }
    page = render_template(
        "user/profile.html",
        errors=errors or {},
        values=values,
        zones=zone_names(),
        reset_allowed=settings.reset_allowed(),
        starting_balance=resets.starting_balance(),
        resets=resets.history(user.user_id),
    )
    return page, status


@bp.get("/profile")
def profile_page():
    return _render()


@bp.post("/profile")
def save_profile():
    values = {
        name: request.form.get(name, "")
        for name in ("display_name", "time_zone", "default_order_quantity")
    }
    try:
        profile.update(
            current_user,
            values["display_name"],
            values["time_zone"],
            values["default_order_quantity"],
            client_ip(),
        )
    except profile.ProfileErrors as exc:
        return _render(exc.errors, values, 400)
    flash("Profile saved.", "success")
    return redirect(url_for("user.profile_page"))


@bp.post("/account/reset")
def reset_account():
    if request.form.get("confirm") != "RESET":
        flash("Type RESET to confirm the reset.", "danger")
        return redirect(url_for("user.profile_page"))
    try:
        done = resets.reset(current_user, client_ip())
    except ServiceError as exc:
        flash(f"Account not reset: {exc.message}", "danger")
        return redirect(url_for("user.profile_page"))
    flash(f"Account reset: you start again with {money(done.starting_balance)}.", "success")
    return redirect(url_for("user.dashboard"))
