"""Token management views shared by the user and admin account pages."""

from flask import flash, redirect, session, url_for

from routes.helpers import client_ip
from services import tokens
from services.errors import NotFound, ServiceError


def create(owner, form, account_endpoint: str):
    """Create a token from a submitted form; its plaintext is flashed to the page once."""
    if form.validate_on_submit():
        try:
            _, plaintext = tokens.create_token(owner, form.name.data, client_ip())
        except ServiceError as exc:
            flash(exc.message, "danger")
        else:
            session["new_token"] = plaintext
            flash("Token created. Copy it now: it will not be shown again.", "success")
    else:
        flash("Give the token a name of 1-64 characters.", "danger")
    return redirect(url_for(account_endpoint) + "#tokens")


def revoke(owner, token_id: int, account_endpoint: str):
    """Revoke one of the owner's tokens; someone else's token is a 404, as if it did not exist."""
    try:
        tokens.revoke_token(owner, token_id, client_ip())
        flash("Token revoked.", "info")
    except NotFound:
        raise
    except ServiceError as exc:
        flash(exc.message, "danger")
    return redirect(url_for(account_endpoint) + "#tokens")
