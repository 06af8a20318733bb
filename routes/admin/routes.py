"""Admin dashboard, audit log and the admin's own account page."""

from datetime import date

from flask import Response, redirect, render_template, request, session, url_for
from flask_login import current_user

from routes import tokens as token_views
from routes.admin import bp
from routes.security import no_store
from routes.user.forms import TokenForm
from services import audit_views, console, resets, settings, tokens
from services.errors import ServiceError
from utils.csv_export import to_csv


@bp.get("/")
def index():
    return redirect(url_for("admin.dashboard"))


@bp.get("/dashboard")
def dashboard():
    recent = console.audit_entries(limit=10)
    return render_template(
        "admin/dashboard.html",
        figures=console.dashboard_figures(),
        recent=recent,
        names=audit_views.names(recent),
        reset_allowed=settings.reset_allowed(),
        starting_balance=resets.starting_balance(),
    )


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ServiceError(f"{name} must be a date such as 2026-03-02.", field=name) from None


def _audit_filter() -> audit_views.AuditFilter:
    return audit_views.AuditFilter(
        who=request.args.get("who", "")[:64],
        what=request.args.get("what", "")[:64],
        since=_day("since"),
        until=_day("until"),
    )


@bp.get("/audit")
def audit_log():
    flt = _audit_filter()
    entries = audit_views.filtered(flt)
    return render_template(
        "admin/audit.html",
        entries=entries,
        names=audit_views.names(entries),
        flt=flt,
        actions=audit_views.actions(),
    )


@bp.get("/audit.csv")
def audit_csv():
    rows = audit_views.csv_rows(audit_views.filtered(_audit_filter(), limit=100_000))
    return Response(
        to_csv(rows, audit_views.CSV_COLUMNS),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


@bp.get("/account")
def account():
    page = render_template(
        "admin/account.html",
        token_form=TokenForm(),
        tokens=tokens.list_tokens(current_user),
        new_token=session.pop("new_token", None),
    )
    return no_store(page)


@bp.post("/account/tokens")
def create_token():
    return token_views.create(current_user, TokenForm(), "admin.account")


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    return token_views.revoke(current_user, token_id, "admin.account")
