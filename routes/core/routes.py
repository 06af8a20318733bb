"""Landing, about, privacy and health."""

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from extensions import db
from routes.core import bp


@bp.get("/")
def index():
    if current_user.is_authenticated:
        target = "admin.dashboard" if current_user.role == "admin" else "user.dashboard"
        return redirect(url_for(target))
    return render_template("core/index.html")


@bp.get("/about")
def about():
    return render_template("core/about.html")


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html")


@bp.get("/logout")
def logout():
    """The brief's sign-out address: signing out is a POST, so this page asks first."""
    return render_template("core/logout.html")


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(success=True, status="ok")
