"""The cash ledger: every change of a user's total cash goes through here."""

from decimal import Decimal

from extensions import db
from models import AccountBalance, CashLedger
from services.rows import pending
from utils.clock import utcnow

LEDGER = CashLedger.__table__


def move_cash(account: AccountBalance, amount: Decimal, kind: str, reference: tuple):
    """Change the account's total by ``amount`` and write the ledger row, in the caller's
    transaction. The caller moves available/frozen so that total = available + frozen.

    ``account`` is an ORM row or a locked record; ``reference`` is (type, id), where the
    id may be a record not inserted yet (its key is filled in when the rows are written).
    The row is inserted with the others of its transaction, in one multi-row INSERT.
    """
    account.total_balance += amount
    entry = {
        "user_id": account.user_id,
        "amount": amount,
        "kind": kind,
        "reference_type": reference[0],
        "reference_id": reference[1],
        "balance_after": account.total_balance,
        "created_at": utcnow(),
    }
    pending(db.session).add_row(LEDGER, entry)
    return entry
