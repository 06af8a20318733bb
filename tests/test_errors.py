"""Error pages: HTML for browsers, JSON for JSON clients, and a logged 500."""

import pytest
from werkzeug.exceptions import NotFound

from app import create_app
from config import TestConfig


def _app_with_a_broken_view(app_settings):
    app = create_app(TestConfig, app_settings)

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    return app


def test_unhandled_error_is_a_500_page_and_logged(app_settings, caplog):
    client = _app_with_a_broken_view(app_settings).test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)
    assert any("Unhandled error on GET /boom" in r.getMessage() for r in caplog.records)


def test_unhandled_error_is_json_for_json_clients(app_settings):
    client = _app_with_a_broken_view(app_settings).test_client()
    response = client.get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.json == {
        "success": False,
        "error": "Something went wrong on our side. It has been logged.",
    }


def test_an_id_beyond_any_column_is_a_404_whatever_the_method(app):
    """Found by the API fuzz: a 25-digit id once got 405 for DELETE and PUT of a rule."""
    adapter = app.url_map.bind("localhost")
    for path in ("/user/api/rules/{}", "/user/api/alerts/{}", "/user/orders/{}/cancel"):
        for number in (2**63, 10**25):
            for method in ("GET", "POST", "PUT", "DELETE"):
                with pytest.raises(NotFound):
                    adapter.match(path.format(number), method=method)
    assert adapter.match("/user/api/rules/999999999999999999", method="DELETE")[1] == {
        "rule_id": 999999999999999999
    }
