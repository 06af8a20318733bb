"""The admin data page: provider, worker status, universe and history sync; the CLI sync."""

from sqlalchemy import select

from extensions import db
from models import AuditLog, MarketTicker
from tasks.worker import Worker
from tests.helpers import post_json
from utils.market_data import SimProvider


def _bars(ticker: str) -> int:
    """Daily bars the simulated market offers now: the bundled ones, then simulated days."""
    return len(SimProvider(seed=7).history(ticker, "max"))


def test_universe_add_remove_and_sync_are_audited(app, admin_client, frozen_time):
    assert post_json(admin_client, "/admin/data/universe", {"ticker": "nflx"}).json["success"]
    page = admin_client.get("/admin/data").get_data(as_text=True)
    assert 'data-ticker="NFLX"' in page and "never" in page

    body = post_json(admin_client, "/admin/data/sync", {"ticker": "NFLX"}).json
    bars = _bars("NFLX")
    assert bars > 1259  # the bundled bars and the simulated days since
    assert body == {
        "success": True,
        "message": f"NFLX: {bars} daily bars stored.",
        "ticker": "NFLX",
        "bars": bars,
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


def test_cli_market_sync(app, runner, frozen_time):
    result = runner.invoke(args=["market", "sync", "AAPL", "ko"])
    assert result.exit_code == 0, result.output
    assert f"AAPL: {_bars('AAPL')} daily bars" in result.output
    assert f"KO: {_bars('KO')} daily bars" in result.output
    bad = runner.invoke(args=["market", "sync", "NOPE"])
    assert bad.exit_code != 0 and "Unknown ticker 'NOPE'" in bad.output


def test_cli_market_sync_defaults_to_the_universe(app, runner):
    result = runner.invoke(args=["market", "sync"])
    assert result.exit_code == 0
    for ticker in app.config["MARKET_UNIVERSE"].split(","):
        assert f"{ticker}: " in result.output
