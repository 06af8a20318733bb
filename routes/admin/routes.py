"""Admin dashboard, audit log and the admin's own account page."""

from flask import redirect, render_template, session, url_for
from flask_login import current_user

from routes import tokens as token_views
from routes.admin import bp
from routes.user.forms import TokenForm
from services import console, resets, settings, tokens


@bp.get("/")
def index():
    return redirect(url_for("admin.dashboard"))


@bp.get("/dashboard")
def dashboard():
    return render_template(
        "admin/dashboard.html",
        figures=console.dashboard_figures(),
        recent=console.audit_entries(limit=10),
        reset_allowed=settings.reset_allowed(),
        starting_balance=resets.starting_balance(),
    )


@bp.get("/audit")
def audit_log():
    return render_template("admin/audit.html", entries=console.audit_entries(limit=200))


@bp.get("/account")
def account():
    return render_template(
        "admin/account.html",
        token_form=TokenForm(),
        tokens=tokens.list_tokens(current_user),
        new_token=session.pop("new_token", None),
    )


@bp.post("/account/tokens")
def create_token():
    return token_views.create(current_user, TokenForm(), "admin.account")


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    return token_views.revoke(current_user, token_id, "admin.account")
