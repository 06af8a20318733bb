"""Deposits and withdrawals: requests, admin decisions, the ledger and bad amounts."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditLog, CashLedger, FundTransaction
from tests.conftest import csrf_token
from tests.helpers import balances, count, fund_request, ledger_sum, post_json

D = Decimal


def deposit(client, amount):
    return post_json(client, "/user/api/deposit", {"amount": amount})


def approve(admin_client, request_id):
    return post_json(admin_client, f"/admin/fund-transactions/{request_id}/approve")


def reject(admin_client, request_id, reason="Not verified"):
    return post_json(
        admin_client, f"/admin/fund-transactions/{request_id}/reject", {"reason": reason}
    )


def funded(user_client, admin_client, amount="1000.00") -> None:
    approve(admin_client, deposit(user_client, amount).json["transaction_id"])


def test_deposit_request_then_approval_moves_money_and_writes_ledger(
    app, user_client, admin_client
):
    response = deposit(user_client, 250.75)
    assert response.status_code == 200
    body = response.json
    assert body["success"] is True and "approval" in body["message"]
    request_id = body["transaction_id"]
    assert balances(app, 1) == (D("0.00"), D("0.00"), D("0.00"))

    response = approve(admin_client, request_id)
    assert response.status_code == 200 and response.json["success"] is True
    assert balances(app, 1) == (D("250.75"), D("0.00"), D("250.75"))
    request = fund_request(app, request_id)
    assert request.status == "approved" and request.operator_id is not None
    with app.app_context():
        (entry,) = db.session.scalars(select(CashLedger)).all()
        assert (entry.amount, entry.kind, entry.balance_after) == (
            D("250.75"),
            "deposit",
            D("250.75"),
        )
        assert (entry.reference_type, entry.reference_id) == ("fund_transaction", request_id)
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "fund.approve"))
        assert (audit.actor_type, audit.target_id) == ("admin", request_id)


def test_withdrawal_freezes_then_rejection_unfreezes(app, user_client, admin_client):
    funded(user_client, admin_client, "1000.00")
    response = post_json(user_client, "/user/api/withdraw", {"amount": "300.10"})
    assert response.status_code == 200
    request_id = response.json["transaction_id"]
    assert balances(app, 1) == (D("699.90"), D("300.10"), D("1000.00"))

    response = reject(admin_client, request_id, "Bank details missing")
    assert response.status_code == 200
    assert balances(app, 1) == (D("1000.00"), D("0.00"), D("1000.00"))
    request = fund_request(app, request_id)
    assert (request.status, request.remark) == ("rejected", "Bank details missing")
    assert count(app, CashLedger) == 1  # only the deposit
    assert ledger_sum(app, 1) == D("1000.00")


def test_withdrawal_approval_pays_out_frozen_money(app, user_client, admin_client):
    funded(user_client, admin_client, "1000.00")
    request_id = post_json(user_client, "/user/api/withdraw", {"amount": 400}).json[
        "transaction_id"
    ]
    assert approve(admin_client, request_id).status_code == 200
    assert balances(app, 1) == (D("600.00"), D("0.00"), D("600.00"))
    with app.app_context():
        last = db.session.scalars(select(CashLedger).order_by(CashLedger.entry_id.desc())).first()
        assert (last.amount, last.kind, last.balance_after) == (
            D("-400.00"),
            "withdrawal",
            D("600.00"),
        )
    assert ledger_sum(app, 1) == D("600.00")


def test_withdrawal_over_available_is_refused_and_changes_nothing(app, user_client, admin_client):
    funded(user_client, admin_client, "100.00")
    post_json(user_client, "/user/api/withdraw", {"amount": "60"})
    response = post_json(user_client, "/user/api/withdraw", {"amount": "40.01"})
    assert response.status_code == 400
    assert "Insufficient available balance ($40.00)." in response.json["error"]
    assert balances(app, 1) == (D("40.00"), D("60.00"), D("100.00"))
    assert count(app, FundTransaction, FundTransaction.transaction_type == "withdrawal") == 1


BAD_AMOUNTS = [
    (-5, "greater than zero"),
    (0, "greater than zero"),
    ("0.00", "greater than zero"),
    (float("nan"), "malformed JSON: NaN is not a number"),
    (float("inf"), "malformed JSON: Infinity is not a number"),
    ("-Infinity", "plain decimal number"),
    ("NaN", "plain decimal number"),
    ("abc", "plain decimal number"),
    ("", "plain decimal number"),
    ("1_0", "plain decimal number"),
    ("\u0661\u0660", "plain decimal number"),  # Arabic-Indic digits
    ("\uff11\uff10", "plain decimal number"),  # full-width digits
    ("1e3", "plain decimal number"),
    ("0x10", "plain decimal number"),
    (True, "must be a number"),
    (None, "must be a number"),
    ([100], "must be a number"),
    ({"value": 1}, "must be a number"),
    (10.005, "2 decimal places"),
    ("1.001", "2 decimal places"),
    ("1000000.01", "must not exceed $1,000,000.00."),
    (10**30, "must not exceed"),
    ("9" * 30, "must not exceed"),
]


@pytest.mark.parametrize("endpoint", ["deposit", "withdraw"])
@pytest.mark.parametrize(("amount", "message"), BAD_AMOUNTS)
def test_bad_amounts_get_400_and_change_nothing(app, user_client, endpoint, amount, message):
    response = post_json(user_client, f"/user/api/{endpoint}", {"amount": amount})
    assert response.status_code == 400
    assert response.json["success"] is False
    assert message in response.json["error"]
    assert count(app, FundTransaction) == 0
    assert balances(app, 1) == (D("0.00"), D("0.00"), D("0.00"))


@pytest.mark.parametrize(
    "raw", ['{"amount": 1e400}', '{"amount": NaN}', '{"amount": "12,50"}', "{}", "[1]", "nope"]
)
def test_malformed_json_bodies_get_400(app, user_client, raw):
    response = user_client.post(
        "/user/api/deposit",
        data=raw,
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(user_client, "/about")},
    )
    assert response.status_code == 400
    assert response.json["success"] is False and response.json["error"]
    assert count(app, FundTransaction) == 0


def test_json_call_without_csrf_header_is_refused(app, user_client):
    response = post_json(user_client, "/user/api/deposit", {"amount": 10}, csrf=False)
    assert response.status_code == 400
    assert "security token" in response.json["error"]
    assert count(app, FundTransaction) == 0


def test_account_page_forms_request_and_show_history(app, user_client):
    token = csrf_token(user_client, "/user/account")
    response = user_client.post(
        "/user/account/deposit",
        data={"deposit-amount": "75.50", "deposit-csrf_token": token},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Deposit request #1 sent for approval" in page
    assert "$75.50" in page and 'data-status="pending"' in page

    response = user_client.post(
        "/user/account/withdraw",
        data={"withdraw-amount": "5.555", "withdraw-csrf_token": token},
        follow_redirects=True,
    )
    assert "2 decimal places" in response.get_data(as_text=True)
    assert count(app, FundTransaction) == 1


@pytest.mark.parametrize(
    ("form", "amount", "message"),
    [
        ("deposit", "5.555", "Deposit not requested: Amount can have at most 2 decimal places."),
        ("withdraw", "20.00", "Withdrawal not requested: Insufficient available balance ($0.00)."),
    ],
)
def test_a_refused_account_form_keeps_its_amount(app, user_client, form, amount, message):
    token = csrf_token(user_client, "/user/account")
    data = {f"{form}-amount": amount, f"{form}-csrf_token": token}
    response = user_client.post(f"/user/account/{form}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert f'name="{form}-amount" placeholder' in page and f'value="{amount}"' in page
    assert count(app, FundTransaction) == 0


def test_account_page_shows_available_frozen_total(app, user_client, admin_client):
    funded(user_client, admin_client, "1234.56")
    post_json(user_client, "/user/api/withdraw", {"amount": "34.56"})
    page = user_client.get("/user/account").get_data(as_text=True)
    assert 'data-balance="available">$1,200.00' in page
    assert 'data-balance="frozen">$34.56' in page
    assert 'data-balance="total">$1,234.56' in page


def test_a_request_is_decided_once(app, user_client, admin_client):
    request_id = deposit(user_client, 10).json["transaction_id"]
    assert approve(admin_client, request_id).status_code == 200
    second = approve(admin_client, request_id)
    assert second.status_code == 409 and "already approved" in second.json["error"]
    assert reject(admin_client, request_id).status_code == 409
    assert balances(app, 1) == (D("10.00"), D("0.00"), D("10.00"))
    assert count(app, CashLedger) == 1


def test_reject_needs_a_reason_and_unknown_requests_are_404(app, user_client, admin_client):
    request_id = deposit(user_client, 10).json["transaction_id"]
    response = reject(admin_client, request_id, "   ")
    assert response.status_code == 400 and "reason" in response.json["error"]
    assert fund_request(app, request_id).status == "pending"
    assert approve(admin_client, 999).status_code == 404


def test_the_admin_json_queue_refuses_an_unknown_status(app, user_client, admin_client):
    approve(admin_client, deposit(user_client, 10).json["transaction_id"])
    as_json = {"Accept": "application/json"}
    listed = admin_client.get("/admin/deposits?status=pending", headers=as_json)
    assert listed.status_code == 200 and listed.json["data"] == []
    refused = admin_client.get("/admin/deposits?status=Pending", headers=as_json)
    assert refused.status_code == 400 and refused.json["field"] == "status"


def test_admin_pages_decide_with_forms_too(app, user_client, admin_client):
    request_id = deposit(user_client, 20).json["transaction_id"]
    page = admin_client.get("/admin/deposits?status=pending").get_data(as_text=True)
    assert f'data-id="{request_id}"' in page
    token = csrf_token(admin_client, "/admin/dashboard")
    response = admin_client.post(
        f"/admin/fund-transactions/{request_id}/reject",
        data={"reason": "Duplicate", "csrf_token": token},
        follow_redirects=True,
    )
    assert f"Request #{request_id} rejected." in response.get_data(as_text=True)
    assert fund_request(app, request_id).status == "rejected"


def test_admin_dashboard_figures(app, user_client, admin_client):
    funded(user_client, admin_client, "500.00")
    deposit(user_client, "70")
    post_json(user_client, "/user/api/withdraw", {"amount": "30"})
    page = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert 'id="fig-users">1<' in page
    assert 'id="fig-total">$500.00<' in page
    assert 'id="fig-pending-deposits">1<' in page
    assert 'id="fig-pending-withdrawals">1<' in page
