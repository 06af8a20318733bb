"""Sign-in for users and admins, registration, passwords and sign-out."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from models import Admin, User
from routes.auth import bp
from routes.auth.devices import account_device, remember_device, trusted_device
from routes.auth.forms import LoginForm, PasswordForm, RegisterForm
from routes.auth.two_factor import ask_second_factor
from routes.helpers import client_ip
from services import accounts, sessions
from services import two_factor as tfa
from services.errors import ServiceError, Throttled


def _safe_next(default: str) -> str:
    """The ``next`` page if it is a path on this site, else ``default``. Browsers read a
    backslash as a slash and drop tabs and newlines, so "/\\evil" would leave the site."""
    target = request.args.get("next", "")
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _sign_in(model, template: str, home: str):
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        device = trusted_device(accounts.throttle_key(model.role, form.username.data))
        try:
            account = accounts.authenticate(
                model, form.username.data, form.password.data, client_ip(), device
            )
        except Throttled as exc:
            form.form_errors.append(exc.message)
            status = 429
        except ServiceError as exc:
            form.form_errors.append(exc.message)
            status = 401
        else:
            if tfa.is_enabled(account):
                return ask_second_factor(account, _safe_next(url_for(home)), device)
            open_session(account)
            response = redirect(_safe_next(url_for(home)))
            remember_device(response, accounts.throttle_key(account.role, account.name), device)
            return response
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
    if request.method == "POST" and _all_problems(form):
        return render_template("auth/register.html", form=form), 400
    if form.validate_on_submit():
        try:
            user = accounts.register_user(
                form.username.data, form.email.data, form.password.data, client_ip()
            )
        except ServiceError as exc:
            getattr(form, exc.field or "username").errors.append(exc.message)
        else:
            open_session(user)
            flash("Welcome to PaperDesk! Ask for a deposit to start trading.", "success")
            return redirect(url_for("user.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


def _all_problems(form: RegisterForm) -> bool:
    """Validate the form and the account rules together, so every error shows at once."""
    valid = form.validate()
    problems = accounts.registration_problems(
        form.username.data, form.email.data, form.password.data
    )
    for name, messages in problems.items():
        field = getattr(form, name)
        field.errors = list(field.errors) + [m for m in messages if m not in field.errors]
    return not valid or bool(problems)


def open_session(account) -> None:
    """Sign ``account`` in on a fresh cookie naming a new server-side session; a session
    the cookie named before (another account's) ends, as the browser no longer holds it."""
    sessions.end(session.get("sid"))
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start(account, client_ip(), request.user_agent.string)
    login_user(account)


def close_session() -> None:
    sessions.end(session.get("sid"))
    logout_user()
    session.clear()


@bp.post("/logout")
def logout():
    close_session()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    ended = sessions.end_all(current_user)
    close_session()
    flash(f"You are signed out everywhere ({ended} session(s) ended).", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            ended = accounts.change_password(
                current_user,
                form.current_password.data,
                form.password.data,
                session.get("sid"),
                client_ip(),
                account_device(current_user),
            )
        except ServiceError as exc:
            getattr(form, exc.field or "password").errors.append(exc.message)
        else:
            flash(f"Password changed. {ended} other session(s) were signed out.", "success")
            return redirect(
                url_for("admin.account" if current_user.role == "admin" else "user.account")
            )
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
