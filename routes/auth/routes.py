"""Sign-in for users and admins, registration and sign-out."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from models import Admin, User
from routes.auth import bp
from routes.auth.forms import LoginForm, RegisterForm
from routes.helpers import client_ip
from services import accounts
from services.errors import ServiceError, Throttled


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _sign_in(model, template: str, home: str):
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            account = accounts.authenticate(
                model, form.username.data, form.password.data, client_ip()
            )
        except Throttled as exc:
            form.form_errors.append(exc.message)
            status = 429
        except ServiceError as exc:
            form.form_errors.append(exc.message)
            status = 401
        else:
            login_user(account)
            return redirect(_safe_next(url_for(home)))
    elif request.method == "POST":
        status = 400
    return render_template(template, form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    return _sign_in(User, "auth/login.html", "user.dashboard")


@bp.route("/admin-login", methods=["GET", "POST"])
def admin_login():
    if current_user.is_authenticated and current_user.role == "admin":
        return redirect(url_for("admin.dashboard"))
    return _sign_in(Admin, "auth/admin_login.html", "admin.dashboard")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(
                form.username.data, form.email.data, form.password.data, client_ip()
            )
        except ServiceError as exc:
            getattr(form, exc.field or "username").errors.append(exc.message)
        else:
            login_user(user)
            flash("Welcome to PaperDesk! Ask for a deposit to start trading.", "success")
            return redirect(url_for("user.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
