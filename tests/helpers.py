"""Helpers for tests: JSON posts with the session's CSRF token, and balances."""

from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models import AccountBalance, CashLedger, FundTransaction
from tests.conftest import csrf_token


def post_json(client, url: str, body: dict | None = None, csrf: bool = True, **kwargs):
    """POST JSON as a page's script does: with X-CSRFToken unless csrf=False."""
    headers = kwargs.pop("headers", {})
    if csrf:
        headers["X-CSRFToken"] = csrf_token(client, "/about")
    return client.post(url, json=body or {}, headers=headers, **kwargs)


def balances(app, user_id: int) -> tuple[Decimal, Decimal, Decimal]:
    """(available, frozen, total) straight from the database."""
    with app.app_context():
        account = db.session.scalar(select(AccountBalance).where(AccountBalance.user_id == user_id))
        return account.available_balance, account.frozen_balance, account.total_balance


def ledger_sum(app, user_id: int) -> Decimal:
    """The sum of a user's ledger rows (as Decimal, 2 dp)."""
    with app.app_context():
        rows = db.session.scalars(select(CashLedger.amount).where(CashLedger.user_id == user_id))
        return sum(rows, Decimal("0.00"))


def count(app, model, *criteria) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def fund_request(app, request_id: int) -> FundTransaction:
    with app.app_context():
        request = db.session.get(FundTransaction, request_id)
        db.session.expunge(request)
        return request
