"""The admin data page: provider, worker status, universe and history sync; the CLI sync."""

from sqlalchemy import select

from extensions import db
from models import AuditLog, MarketTicker
from tasks.worker import Worker
from tests.helpers import post_json


def test_universe_add_remove_and_sync_are_audited(app, admin_client):
    assert post_json(admin_client, "/admin/data/universe", {"ticker": "nflx"}).json["success"]
    page = admin_client.get("/admin/data").get_data(as_text=True)
    assert 'data-ticker="NFLX"' in page and "never" in page

    body = post_json(admin_client, "/admin/data/sync", {"ticker": "NFLX"}).json
    assert body == {
        "success": True,
        "message": "NFLX: 1259 daily bars stored.",
        "ticker": "NFLX",
        "bars": 1259,
    }
    with app.app_context():
        assert db.session.get(MarketTicker, "NFLX").history_synced_at is not None

    post_json(admin_client, "/admin/data/universe/NFLX/remove")
    with app.app_context():
        assert db.session.get(MarketTicker, "NFLX").in_universe is False
        actions = set(db.session.scalars(select(AuditLog.action)))
        assert {"universe.add", "universe.remove", "market.sync"} <= actions


def test_bad_tickers_are_refused(admin_client):
    response = post_json(admin_client, "/admin/data/universe", {"ticker": "BOGUS"})
    assert response.status_code == 400 and "Unknown ticker" in response.json["error"]
    response = post_json(admin_client, "/admin/data/sync", {})
    assert response.status_code == 400


def test_worker_status_for_admins(app, admin_client):
    assert admin_client.get("/admin/api/worker").json["worker"] is None
    Worker(app, "host:1:abc").step()
    status = admin_client.get("/admin/api/worker").json
    assert status["provider"] == "sim"
    assert status["worker"]["holder"] == "host:1:abc" and status["worker"]["ticks"] == 1
    page = admin_client.get("/admin/data").get_data(as_text=True)
    assert "host:1:abc" in page


def test_cli_market_sync(app, runner):
    result = runner.invoke(args=["market", "sync", "AAPL", "ko"])
    assert result.exit_code == 0, result.output
    assert "AAPL: 1259 daily bars" in result.output and "KO: 1259 daily bars" in result.output
    bad = runner.invoke(args=["market", "sync", "NOPE"])
    assert bad.exit_code != 0 and "Unknown ticker 'NOPE'" in bad.output


def test_cli_market_sync_defaults_to_the_universe(app, runner):
    result = runner.invoke(args=["market", "sync"])
    assert result.exit_code == 0
    for ticker in app.config["MARKET_UNIVERSE"].split(","):
        assert f"{ticker}: " in result.output
