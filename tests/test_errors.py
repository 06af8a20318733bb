"""Error pages: HTML for browsers, JSON for JSON clients, and a logged 500."""

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
