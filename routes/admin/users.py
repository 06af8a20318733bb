"""User management: list with search, detail, enable and disable."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from extensions import db
from models import User
from routes.admin import bp
from routes.helpers import client_ip, page_args
from services import accounts, audit_views, console, funds, portfolio


@bp.get("/users")
def users():
    query = request.args.get("q", "").strip()[:64]
    page = page_args()[0]
    return render_template(
        "admin/users.html", query=query, pagination=console.search_users(query, page)
    )


@bp.get("/user_management")
def user_management():
    kept = {key: request.args[key] for key in ("q", "page") if key in request.args}
    return redirect(url_for("admin.users", **kept))


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    trail = audit_views.user_trail(user_id)
    return render_template(
        "admin/user_detail.html",
        user=user,
        history=funds.history(user_id),
        ledger=console.ledger(user_id),
        book=portfolio.positions(user),
        orders=list(db.session.scalars(portfolio.orders_query(user_id).limit(50))),
        audit=trail,
        names=audit_views.names(trail),
    )


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    accounts.set_user_enabled(current_user, user_id, True, client_ip())
    flash("User enabled.", "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    accounts.set_user_enabled(current_user, user_id, False, client_ip())
    flash(
        "User disabled: they can no longer sign in or use their tokens, and their open"
        " orders were cancelled.",
        "warning",
    )
    return redirect(url_for("admin.user_detail", user_id=user_id))
