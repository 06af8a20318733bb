"""Money under concurrency: threads with their own sessions hit the same rows at once.

On MariaDB these exercise SELECT ... FOR UPDATE; on SQLite, BEGIN IMMEDIATE.
"""

import threading
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models import Admin, CashLedger, FundTransaction, User
from services import accounts, funds
from services.errors import Conflict, ServiceError
from tests.helpers import balances, count, ledger_sum

D = Decimal


def run_together(app, jobs):
    """Run each job in its own thread and app context, released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except ServiceError as exc:
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def setup_user_and_admins(app, n_admins=2, balance=None):
    with app.app_context():
        user = accounts.register_user("alice", "alice@example.com", "correct-horse-42")
        admins = [accounts.create_admin(f"admin{i}", "admin-pass-2024x") for i in range(n_admins)]
        if balance:
            request = funds.request_deposit(user, balance)
            funds.approve(admins[0], request.transaction_id)
        return user.user_id, [a.admin_id for a in admins]


def _admin(admin_id):
    return db.session.get(Admin, admin_id)


def _user(user_id):
    return db.session.get(User, user_id)


def test_two_admins_approving_at_once_apply_once(app):
    user_id, admin_ids = setup_user_and_admins(app)
    for _ in range(5):
        with app.app_context():
            request_id = funds.request_deposit(_user(user_id), "100.00").transaction_id
        results = run_together(
            app, [lambda a=a, r=request_id: funds.approve(_admin(a), r) for a in admin_ids]
        )
        assert sum(isinstance(r, FundTransaction) for r in results) == 1
        assert sum(isinstance(r, Conflict) for r in results) == 1
    assert balances(app, user_id) == (D("500.00"), D("0.00"), D("500.00"))
    assert count(app, CashLedger) == 5
    assert ledger_sum(app, user_id) == D("500.00")


def test_approve_against_reject_decides_once(app):
    user_id, admin_ids = setup_user_and_admins(app, balance="500.00")
    with app.app_context():
        request_id = funds.request_withdrawal(_user(user_id), "200.00").transaction_id
    results = run_together(
        app,
        [
            lambda: funds.approve(_admin(admin_ids[0]), request_id),
            lambda: funds.reject(_admin(admin_ids[1]), request_id, "duplicate"),
        ],
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1
    with app.app_context():
        status = db.session.get(FundTransaction, request_id).status
    expected = (
        (D("300.00"), D("0.00"), D("300.00"))
        if status == "approved"
        else (D("500.00"), D("0.00"), D("500.00"))
    )
    assert balances(app, user_id) == expected
    assert ledger_sum(app, user_id) == expected[2]


def test_concurrent_withdrawals_never_overdraw(app):
    user_id, _ = setup_user_and_admins(app, n_admins=1, balance="100.00")
    results = run_together(
        app, [lambda: funds.request_withdrawal(_user(user_id), "30.00") for _ in range(8)]
    )
    accepted = [r for r in results if isinstance(r, FundTransaction)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(accepted) == 3 and len(refused) == 5
    assert balances(app, user_id) == (D("10.00"), D("90.00"), D("100.00"))


def test_many_requests_approved_concurrently_sum_exactly(app):
    user_id, admin_ids = setup_user_and_admins(app, n_admins=4)
    with app.app_context():
        ids = [funds.request_deposit(_user(user_id), "10.01").transaction_id for _ in range(12)]
    jobs = [lambda r=r, a=admin_ids[i % 4]: funds.approve(_admin(a), r) for i, r in enumerate(ids)]
    results = run_together(app, jobs)
    assert not [r for r in results if isinstance(r, ServiceError)]
    assert balances(app, user_id) == (D("120.12"), D("0.00"), D("120.12"))
    with app.app_context():
        after = db.session.scalars(select(CashLedger.balance_after).order_by(CashLedger.entry_id))
        assert list(after) == [D("10.01") * n for n in range(1, 13)]
