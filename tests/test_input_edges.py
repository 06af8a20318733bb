"""Input at the edges: sign-in redirects, zone names, long numbers, admin query strings,
alert precision and the CSRF refusal's shape."""

from decimal import Decimal

import pytest

from tests.conftest import PASSWORD, csrf_token
from tests.helpers import post_json


@pytest.mark.parametrize(
    "target", ["/\\evil.example/", "/\t/evil.example/", "\\\\evil.example", "/%0a"]
)
def test_sign_in_never_redirects_off_the_site(client, make_user, target):
    make_user("alice")
    data = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/auth/login", query_string={"next": target}, data=data)
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_sign_in_keeps_a_next_page_on_the_site(client, make_user):
    make_user("alice")
    data = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/auth/login", query_string={"next": "/user/orders"}, data=data)
    assert response.headers["Location"] == "/user/orders"


def _profile(user_client, **fields):
    token = csrf_token(user_client, "/user/profile")
    data = {"display_name": "", "time_zone": "", "default_order_quantity": ""}
    return user_client.post("/user/profile", data={**data, **fields, "csrf_token": token})


@pytest.mark.parametrize("zone", ["Europe", "America", "Etc"])
def test_a_time_zone_folder_is_a_form_error(user_client, zone):
    assert _profile(user_client, time_zone=zone).status_code == 400


@pytest.mark.parametrize("path", ["/about", "/user/dashboard", "/user/account"])
def test_a_tz_cookie_naming_a_folder_shows_times_in_utc(user_client, path):
    user_client.set_cookie("tz", "Europe")
    assert user_client.get(path).status_code == 200


def test_a_tz_cookie_naming_a_folder_does_not_break_the_sign_in_page(client):
    client.set_cookie("tz", "America")
    assert client.get("/auth/login").status_code == 200


def test_a_default_order_size_of_thousands_of_digits_is_a_form_error(user_client):
    assert _profile(user_client, default_order_quantity="9" * 5000).status_code == 400


@pytest.mark.parametrize("query", ["endpoint=x", "_method=POST", "_anchor=x&endpoint=y"])
def test_user_management_passes_on_only_its_own_arguments(admin_client, query):
    response = admin_client.get(f"/admin/user_management?q=bob&page=2&{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users?q=bob&page=2"


def test_the_admin_orders_user_id_filter_is_an_id_even_when_a_name_is_digits(
    app, admin_client, make_user, market
):
    from extensions import db
    from models import Admin, User
    from services import funds, orders

    named = make_user("100")
    with app.app_context():
        admin = db.session.scalar(db.select(Admin))
        request = funds.request_deposit(db.session.get(User, named), "1000.00")
        funds.approve(admin, request.transaction_id)
        spec = orders.OrderSpec("AAPL", "buy", "limit", quantity=1, limit=Decimal("1.00"))
        orders.place(db.session.get(User, named), spec)
        db.session.remove()
    json = {"Accept": "application/json"}
    assert admin_client.get("/admin/orders?user_id=100", headers=json).json["orders"] == []
    by_name = admin_client.get("/admin/orders?user=100", headers=json).json["orders"]
    by_id = admin_client.get(f"/admin/orders?user_id={named}", headers=json).json["orders"]
    assert [o["user_id"] for o in by_name] == [named] and by_id == by_name


@pytest.mark.parametrize("threshold", ["0.00001", 0.00004, "1e-9", "150.00005"])
def test_an_alert_threshold_with_more_than_four_decimals_is_refused(user_client, threshold):
    response = post_json(
        user_client, "/user/api/alerts", {"ticker": "AAPL", "kind": "above", "threshold": threshold}
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "threshold"


def test_a_json_csrf_refusal_names_its_field(user_client):
    response = post_json(user_client, "/user/api/deposit", {"amount": "10.00"}, csrf=False)
    assert response.status_code == 400
    assert response.get_json() == {
        "success": False,
        "error": "The form's security token is missing or expired. Reload and try again.",
        "field": "csrf_token",
    }


def test_json_sent_as_text_is_a_400_naming_the_content_type(app, trader):
    import json

    from extensions import db
    from models import User
    from services import tokens

    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, trader), "script")
    body = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 1}
    answer = app.test_client().post(
        "/user/api/create_order",
        data=json.dumps(body),
        content_type="text/plain",
        headers={"Authorization": f"Bearer {plaintext}"},
    )
    assert answer.status_code == 400
    assert answer.json["field"] == "body" and "Content-Type" in answer.json["error"]
