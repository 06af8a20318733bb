"""Role separation: users never reach admin pages or endpoints, whatever URL they try."""

import re

import pytest

from app import create_app
from config import TestConfig


def _urls(prefix: str) -> list[tuple[str, str]]:
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(prefix):
            continue
        path = re.sub(r"<int:\w+>", "1", str(rule)).replace("<ticker>", "AAPL")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


ADMIN_URLS = _urls("admin.")
USER_URLS = _urls("user.")


def test_every_admin_rule_is_covered():
    assert len(ADMIN_URLS) >= 15
    assert ("POST", "/admin/fund-transactions/1/approve") in ADMIN_URLS


@pytest.mark.parametrize(("method", "path"), ADMIN_URLS)
def test_users_get_403_on_every_admin_url(user_client, method, path):
    from tests.conftest import csrf_token

    token = csrf_token(user_client, "/about")
    response = user_client.open(path, method=method, headers={"X-CSRFToken": token})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), ADMIN_URLS)
def test_anonymous_visitors_are_sent_to_admin_sign_in(app, method, path):
    response = app.test_client().open(path, method=method)
    if "/api/" in path:
        assert response.status_code == 401 and response.json["success"] is False
    else:  # a page, or a form post: nothing happens, the visitor is asked to sign in
        assert response.status_code == 302
        assert "/auth/admin-login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), [u for u in USER_URLS if u[0] == "GET"])
def test_admins_do_not_use_user_pages(admin_client, method, path):
    assert admin_client.open(path, method=method).status_code == 403


def test_admin_json_endpoints_answer_401_json_to_anonymous_clients(app):
    response = app.test_client().get(
        "/admin/fund-transactions", headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert response.json == {"success": False, "error": "Authentication required."}


def test_unknown_pages_are_404_html_or_json(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "PaperDesk has no such page" in page.get_data(as_text=True)
    api = client.get("/user/api/nope")
    assert api.status_code == 404 and api.json["success"] is False
