"""The admin data page: provider, worker status, the ticker universe and history syncs."""

from datetime import datetime

from flask import jsonify, render_template
from flask_login import current_user

from routes.admin import bp
from routes.helpers import action_done, client_ip, json_body
from services import audit, history, lease, market, universe
from services.db import transaction
from tasks.worker import LEASE_NAME
from utils.formatting import iso


@bp.get("/data")
def data():
    return render_template(
        "admin/data.html",
        provider=market.provider().name,
        worker=lease.status(LEASE_NAME),
        universe=universe.universe(),
        active=universe.active_universe(),
        known=sorted(market.known_tickers()),
    )


@bp.get("/api/worker")
def worker_status():
    row = lease.status(LEASE_NAME)
    fields = (
        "holder",
        "acquired_at",
        "heartbeat_at",
        "expires_at",
        "last_tick_at",
        "ticks",
        "errors",
        "last_error",
        "ticks_per_second",
    )
    status = {f: _plain(getattr(row, f)) for f in fields} if row else None
    return jsonify(success=True, provider=market.provider().name, worker=status)


def _plain(value):
    return iso(value) if isinstance(value, datetime) else value


@bp.post("/data/universe")
def add_to_universe():
    ticker = market.check_ticker(json_body().get("ticker"))
    universe.set_in_universe(current_user, ticker, True, client_ip())
    return _done(f"{ticker} added to the universe.")


@bp.post("/data/universe/<ticker>/remove")
def remove_from_universe(ticker: str):
    ticker = market.check_ticker(ticker)
    universe.set_in_universe(current_user, ticker, False, client_ip())
    return _done(f"{ticker} removed from the universe.")


@bp.post("/data/sync")
def sync_history():
    ticker = market.check_ticker(json_body().get("ticker"))
    stored = history.sync([ticker])[ticker]
    with transaction():
        audit.record(current_user, "market.sync", ("ticker", None), {"ticker": ticker}, client_ip())
    return _done(f"{ticker}: {stored} daily bars stored.", ticker=ticker, bars=stored)


def _done(message: str, **extra):
    return action_done(message, "admin.data", **extra)
