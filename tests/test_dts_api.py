"""The DTS interfaces: POST /api/dts (one line, batch), the user's summary page and JSON,
the admin log browser and its download, DTS users in the admin console."""

from urllib.parse import quote

import pytest
import xmlschema

from extensions import db
from models import Admin, User
from services import tokens, verify
from services.dts import dumplog


@pytest.fixture
def admin_token(app, admin):
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(Admin, admin), "dts")
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def user_token(app, make_user):
    user_id = make_user("carol")
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, user_id), "dts")
    return {"Authorization": f"Bearer {plaintext}"}


def line(client, headers, text):
    return client.post("/api/dts", json={"line": text}, headers=headers)


def test_one_line_answers_success_and_result(app, client, admin_token):
    answer = line(client, admin_token, "ADD,dave,250.00")
    assert answer.status_code == 200
    assert answer.json == {"success": True, "result": {"cash": "250.00"}}
    quote = line(client, admin_token, "[7] QUOTE,dave,ABC").json
    assert quote["success"] and quote["result"]["symbol"] == "ABC"
    assert float(quote["result"]["price"]) > 0  # the seeded walk prices any symbol


def test_a_failed_command_is_a_400_with_the_error(client, admin_token):
    answer = line(client, admin_token, "COMMIT_BUY,nobody")
    assert answer.status_code == 400
    assert answer.json["success"] is False and "Unknown user" in answer.json["error"]


@pytest.mark.parametrize("body", [{}, {"line": ""}, {"line": 5}, {"lines": ["ADD,a,1"]}])
def test_bad_bodies_are_400_naming_the_field(client, admin_token, body):
    answer = client.post("/api/dts", json=body, headers=admin_token)
    assert answer.status_code == 400 and answer.json["field"] == "line"


def test_the_api_is_for_admins(client, user_token):
    assert line(client, user_token, "ADD,eve,1.00").status_code == 403
    assert line(client, {}, "ADD,eve,1.00").status_code == 401


def test_a_batch_runs_in_order_and_a_failing_line_leaves_only_its_error(app, client, admin_token):
    lines = ["ADD,fay,100.00", "BUY,fay,ABC,100000.00", "ADD,fay,1.00", "DISPLAY_SUMMARY,fay"]
    answer = client.post("/api/dts/batch", json={"lines": lines}, headers=admin_token)
    assert answer.status_code == 200
    body = answer.json
    assert (body["commands"], body["errors"]) == (4, 1)
    assert [r["success"] for r in body["results"]] == [True, False, True, True]
    assert "Insufficient funds" in body["results"][1]["error"]
    assert body["results"][3]["result"]["cash"] == "101.00"
    with app.app_context():
        assert verify.verify() == []


def test_dumplog_over_http_stays_in_the_log_folder(app, client, admin_token, tmp_path):
    app.config["DTS_LOG_DIR"] = str(tmp_path / "logs")
    line(client, admin_token, "ADD,gus,5.00")
    answer = line(client, admin_token, "DUMPLOG,../../../tmp/escape.xml")
    assert answer.json == {"success": True, "result": {"file": "escape.xml"}}
    assert (tmp_path / "logs" / "escape.xml").is_file()


def test_the_user_sees_their_summary_as_a_page_and_json(app, client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    data = client.get("/user/api/dts/summary").json["data"]
    assert data["cash"] == "0.00" and data["holdings"] == {} and data["history"] == []
    page = client.get("/user/dts")
    assert page.status_code == 200 and b'id="dts-cash">$0.00<' in page.data
    menu = client.get("/user/dashboard").text  # the page is in the user's menu
    assert '<a class="dropdown-item" href="/user/dts">Day trading summary</a>' in menu


def test_the_summary_page_writes_money_as_every_page_does(app, market, client, auth, trader):
    from decimal import Decimal

    from models import User
    from services import orders
    from services.orders import OrderSpec

    market.set("AAPL", "150.00")
    with app.app_context():
        spec = OrderSpec("AAPL", "buy", "limit", quantity=10, limit=Decimal("140"))
        orders.place(db.session.get(User, trader), spec)  # 1,401.00 reserved
    auth.login("trader")
    page = client.get("/user/dts").text
    assert 'id="dts-cash">$8,599.00<' in page and 'id="dts-reserved">$1,401.00<' in page
    assert "open buy orders" in page and "$10,000.00" in page  # the deposit, in the history
    assert "No triggers." in page


def test_summary_history_times_follow_the_users_zone(app, client, auth, trader):
    from datetime import datetime

    from models import CashLedger

    with app.app_context():
        user = db.session.get(User, trader)
        user.time_zone = "America/New_York"
        entry = db.session.scalars(db.select(CashLedger).filter_by(user_id=trader)).first()
        entry.created_at = datetime(2026, 12, 7, 14, 19, 18)
        db.session.commit()
    auth.login("trader")
    assert client.get("/user/api/dts/summary").json["data"]["history"][0]["at"] == (
        "2026-12-07T14:19:18Z"  # the JSON keeps ISO 8601 UTC
    )
    page = client.get("/user/dts").text
    assert (
        '2026-12-07</span> <span class="text-nowrap">09:19 EST<' in page
        and "T14:19:18Z" not in page
    )


def test_empty_tables_say_so(client, auth, make_user, admin_client):
    make_user("alice")
    auth.login("alice")
    page = client.get("/user/dts").text
    assert "No triggers." in page and "No cash movements yet." in page
    log = admin_client.get("/admin/dts/log?user=nobody").text
    assert "0 events" in log and "No events match these filters." in log


def test_the_admin_browses_filters_and_downloads_the_log(app, client, admin_token, admin_client):
    for text in ["ADD,hal,100.00", "BUY,hal,ABC,50.00", "ADD,ivy,5.00", "COMMIT_SELL,ivy"]:
        line(client, admin_token, text)
    page = admin_client.get("/admin/dts/log?user=ivy")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "ivy" in html and "hal" not in html
    errors = admin_client.get("/admin/dts/log?kind=errorEvent").get_data(as_text=True)
    assert "No pending SELL" in errors and "accountTransaction" not in errors.split("<tbody>")[1]
    bad = admin_client.get("/admin/dts/log?kind=nonsense")
    assert bad.status_code == 200 and b"kind is one of" in bad.data
    for number in ("0", "100001", "x"):
        past = admin_client.get(f"/admin/dts/log?page={number}")
        assert b"page must be a whole number from 1 to 100000" in past.data
    download = admin_client.get("/admin/dts/log/download?user=hal")
    assert download.status_code == 200 and download.mimetype == "application/xml"
    text = download.get_data(as_text=True)
    assert "<username>hal</username>" in text and "ivy" not in text
    # written on today's clock: valid against PaperDesk's copy of the schema (no 2022 bound)
    xmlschema.XMLSchema(str(dumplog.SCHEMA)).validate(text)


def test_log_times_with_an_offset_filter_at_that_instant(
    client, admin_token, admin_client, frozen_time
):
    line(client, admin_token, "ADD,hal,100.00")  # logged at 2026-03-02 14:30 UTC

    def logged(**times):
        query = "&".join(f"{name}={quote(value)}" for name, value in times.items())
        text = admin_client.get(f"/admin/dts/log/download?{query}").get_data(as_text=True)
        return text.count("<userCommand>")

    assert logged(since="2026-03-02T16:00+02:00", until="2026-03-02T16:45+02:00") == 1
    assert logged(since="2026-03-02T14:00-01:00") == 0  # 15:00 UTC
    assert logged(until="2026-03-02T14:29Z") == 0


def test_dts_users_show_in_the_admin_console(client, admin_token, admin_client):
    line(client, admin_token, "ADD,jay,5.00")
    users = admin_client.get("/admin/users").get_data(as_text=True)
    assert "jay" in users


def test_an_admin_opens_a_dts_user_holding_shares(app, client, admin_token, admin_client):
    lines = ["ADD,kim,100000.00", "BUY,kim,ABC,50000.00", "COMMIT_BUY,kim"]  # any walk price
    answer = client.post("/api/dts/batch", json={"lines": lines}, headers=admin_token).json
    assert answer["errors"] == 0
    with app.app_context():
        from sqlalchemy import select

        user_id = db.session.scalar(select(User.user_id).where(User.user_name == "kim"))
    page = admin_client.get(f"/admin/users/{user_id}")
    assert page.status_code == 200 and b"kim" in page.data
