"""The cash ledger: every change of a user's total cash goes through here."""

from decimal import Decimal

from extensions import db
from models import AccountBalance, CashLedger


def move_cash(account: AccountBalance, amount: Decimal, kind: str, reference: tuple[str, int]):
    """Change the account's total by ``amount`` and write the ledger row, in the caller's
    transaction. The caller moves available/frozen so that total = available + frozen."""
    account.total_balance += amount
    entry = CashLedger(
        user_id=account.user_id,
        amount=amount,
        kind=kind,
        reference_type=reference[0],
        reference_id=reference[1],
        balance_after=account.total_balance,
    )
    db.session.add(entry)
    return entry
