"""User pages: dashboard and account (balances, fund requests, API tokens)."""

from functools import partial

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user

from routes import tokens as token_views
from routes.helpers import client_ip
from routes.security import no_store
from routes.user import bp
from routes.user.forms import AmountForm, TokenForm, WithdrawForm
from services import desk, funds, tokens, two_factor
from services.errors import ServiceError


@bp.get("/dashboard")
def dashboard():
    return render_template("user/dashboard.html", desk=desk.desk(current_user))


@bp.get("/account")
def account():
    return _account_page()


def _account_page(deposit_form=None, withdraw_form=None, status: int = 200):
    """The account page; a refused request's form comes back with its amount as typed."""
    page = render_template(
        "user/account.html",
        account=current_user.account,
        history=funds.history(current_user.user_id),
        deposit_form=deposit_form or AmountForm(prefix="deposit"),
        withdraw_form=withdraw_form or WithdrawForm(prefix="withdraw"),
        two_factor_on=two_factor.is_enabled(current_user),
        token_form=TokenForm(),
        tokens=tokens.list_tokens(current_user),
        new_token=session.pop("new_token", None),
    )
    return no_store((page, status))


def _fund_request(form: AmountForm, request_fn, label: str, again, **extra):
    if not form.validate_on_submit():
        flash("Enter an amount.", "danger")
        return again()
    try:
        request = request_fn(current_user, form.amount.data, client_ip(), **extra)
    except ServiceError as exc:
        flash(f"{label} not requested: {exc.message}", "danger")
        return again()
    flash(f"{label} request #{request.transaction_id} sent for approval.", "success")
    return redirect(url_for("user.account"))


@bp.post("/account/deposit")
def deposit():
    form = AmountForm(prefix="deposit")
    again = partial(_account_page, deposit_form=form, status=400)
    return _fund_request(form, funds.request_deposit, "Deposit", again)


@bp.post("/account/withdraw")
def withdraw():
    form = WithdrawForm(prefix="withdraw")
    code = form.code.data or ""
    form.code.data = ""  # a one-time code is never shown again
    again = partial(_account_page, withdraw_form=form, status=400)
    return _fund_request(form, funds.request_withdrawal, "Withdrawal", again, code=code)


@bp.post("/account/tokens")
def create_token():
    return token_views.create(current_user, TokenForm(), "user.account")


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    return token_views.revoke(current_user, token_id, "user.account")
