"""Two-factor sign-in: enrolment (QR code, first code, recovery codes), turning it off,
and the second step of signing in."""

import time

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from extensions import db
from models import Admin, User
from routes.auth import bp
from routes.auth.devices import account_device, remember_device
from routes.forms import Form
from routes.helpers import client_ip
from routes.security import no_store
from services import accounts, sessions
from services import two_factor as tfa
from services.errors import ServiceError, Throttled
from utils.qr import svg_data_uri

PENDING_SECONDS = 300  # the second step must follow the password within this long
MAX_TRIES = 5


class CodeForm(Form):
    code = StringField("Code", validators=[DataRequired(), Length(max=32)])
    submit = SubmitField("Continue")


class DisableForm(Form):
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    code = StringField("Code", validators=[DataRequired(), Length(max=32)])
    submit = SubmitField("Turn off")


def _page(status=200, **extra):
    context = {"enabled": tfa.is_enabled(current_user), "form": CodeForm()}
    if context["enabled"]:
        context["left"] = tfa.recovery_codes_left(current_user)
        context["disable_form"] = DisableForm()
    else:
        row = tfa.begin(current_user)
        uri = tfa.provisioning_uri(current_user, row)
        context.update(secret=row.secret, qr=svg_data_uri(uri))
    context.update(extra)
    return no_store((render_template("auth/two_factor.html", **context), status))


@bp.get("/two-factor")
@login_required
def two_factor():
    return _page()


@bp.post("/two-factor/confirm")
@login_required
def two_factor_confirm():
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(400, error="Enter the 6-digit code from the app.")
    try:
        codes = tfa.confirm(current_user, form.code.data.strip(), client_ip())
    except ServiceError as exc:
        return _page(exc.status_code, error=exc.message)
    flash("Two-factor sign-in is on.", "success")
    return no_store(render_template("auth/two_factor.html", enabled=True, recovery_codes=codes))


@bp.post("/two-factor/disable")
@login_required
def two_factor_disable():
    form = DisableForm()
    if not form.validate_on_submit():
        return _page(400, error="Enter your password and a code.")
    try:
        device = account_device(current_user)
        tfa.disable(current_user, form.password.data, form.code.data, client_ip(), device)
    except ServiceError as exc:
        return _page(exc.status_code, error=exc.message)
    flash("Two-factor sign-in is off.", "info")
    return redirect(url_for("auth.two_factor"))


def ask_second_factor(account, next_url: str, device: str | None):
    """After a good password: remember who is signing in, and ask for the code. A session
    the cookie named before ends here, as for a sign-in without a code."""
    sessions.end(session.get("sid"))
    session.clear()
    session["pending_2fa"] = {
        "kind": account.role,
        "id": account.id,
        "at": time.time(),
        "next": next_url,
        "device": device,
        "tries": 0,
    }
    return redirect(url_for("auth.two_factor_verify"))


@bp.route("/two-factor/verify", methods=["GET", "POST"])
def two_factor_verify():
    from routes.auth.routes import open_session

    pending = session.get("pending_2fa")
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop("pending_2fa", None)
        flash("Sign in again.", "warning")
        return redirect(url_for("auth.login"))
    model = Admin if pending["kind"] == "admin" else User
    account = db.session.get(model, pending["id"])
    if account is None or not account.is_active:  # disabled since the password step
        session.pop("pending_2fa", None)
        flash("This account is disabled.", "danger")
        return redirect(url_for("auth.login"))
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        try:
            good = tfa.check_code(account, form.code.data)
        except Throttled as exc:  # codes are locked for a while: not a try of this sign-in
            form.code.errors.append(exc.message)
            return render_template("auth/two_factor_verify.html", form=form), 429
        if good:
            open_session(account)
            response = redirect(pending["next"])
            key = accounts.throttle_key(account.role, account.name)
            remember_device(response, key, pending["device"])
            return response
        pending["tries"] += 1
        session["pending_2fa"] = pending
        if pending["tries"] >= MAX_TRIES:
            session.pop("pending_2fa", None)
            current_app.logger.warning("two-factor: too many wrong codes for %s", pending)
            flash("Too many wrong codes: sign in again.", "danger")
            return redirect(url_for("auth.login"))
        form.code.errors.append("That code is not right (or was already used).")
        status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/two_factor_verify.html", form=form), status
