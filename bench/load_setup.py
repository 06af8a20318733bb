"""Database set-up and read-backs for bench/load.py (kept apart so the script stays short)."""

from functools import cache

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

PASSWORD = "load-pass-2026"
TICKERS = ["AAPL", "MSFT", "AMZN", "GOOGL", "NVDA", "JPM", "KO", "XOM"]


def fresh_database(url: str) -> None:
    """Drop and create the database named by ``url`` (a SQLite file is removed)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        Path(parsed.database).unlink(missing_ok=True)
        return
    server = create_engine(parsed.set(database=""))
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{parsed.database}`")
        conn.exec_driver_sql(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4")
    server.dispose()


def seed(settings: dict, traders: int) -> dict:
    """Migrate, sync the tickers' daily bars, then create an admin and ``traders`` funded
    traders holding 20 shares of each ticker, each with an API token; returns what the
    locustfile needs."""
    from flask_migrate import upgrade

    from app import create_app
    from config import Config
    from extensions import db
    from models import Admin, User
    from services import accounts, funds, history, orders, tokens, universe

    overrides = {
        "SQLALCHEMY_DATABASE_URI": settings["SQLALCHEMY_DATABASE_URI"],
        "LOG_DIR": settings["LOG_DIR"],
        "WORKER_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # sign-ins under load measure the app
    }
    app = create_app(Config, overrides)
    out = {"password": PASSWORD, "traders": []}
    with app.app_context():
        upgrade()
        universe.seed_universe(TICKERS)
        history.sync(TICKERS)  # a running server has its daily bars; the run measures serving them
        admin = accounts.create_admin("loadadmin", "load-admin-2026")
        admin_id = admin.admin_id
        out["admin_token"] = tokens.create_token(admin, "load")[1]
        for n in range(traders):
            user = accounts.register_user(f"trader{n}", f"trader{n}@example.com", PASSWORD)
            request = funds.request_deposit(user, "900000.00")
            funds.approve(db.session.get(Admin, admin_id), request.transaction_id)
            user = db.session.get(User, user.user_id)
            for ticker in TICKERS:
                orders.place(user, orders.OrderSpec(ticker, "buy", "market", quantity=20))
            token = tokens.create_token(user, "load")[1]
            out["traders"].append(
                {"user_id": user.user_id, "username": user.user_name, "token": token}
            )
        db.session.remove()
        db.engine.dispose()
    return out


@cache
def _engine(url: str):
    return create_engine(url, pool_pre_ping=True)


def lease_row(settings: dict) -> dict | None:
    """The market worker's lease row, read fresh."""
    with _engine(settings["SQLALCHEMY_DATABASE_URI"]).connect() as conn:
        row = (
            conn.execute(
                text("SELECT holder, heartbeat_at, expires_at FROM worker_lease WHERE name = :n"),
                {"n": "market-worker"},
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None


def orders_of(settings: dict, order_ids: list[int]) -> dict[int, int]:
    """``{order_id: user_id}`` for the given ids that exist."""
    found = {}
    with _engine(settings["SQLALCHEMY_DATABASE_URI"]).connect() as conn:
        for start in range(0, len(order_ids), 1000):
            chunk = order_ids[start : start + 1000]
            if not chunk:
                continue
            stmt = text("SELECT order_id, user_id FROM orders WHERE order_id IN :ids")
            rows = conn.execute(stmt.bindparams(bindparam("ids", expanding=True)), {"ids": chunk})
            found.update({int(o): int(u) for o, u in rows})
    return found


TRANSACTIONS = text(
    "SELECT t.trx_state AS state, TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) / 1e6 AS age,"
    " t.trx_query AS query FROM information_schema.INNODB_TRX t"
    " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = :db"
)


def transactions(settings: dict) -> dict:
    """The load database's open transactions: how many, the oldest's age, and those
    waiting for a row lock on the lease (MariaDB/MySQL; empty on SQLite)."""
    url = make_url(settings["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return {}
    with _engine(settings["SQLALCHEMY_DATABASE_URI"]).connect() as conn:
        rows = conn.execute(TRANSACTIONS, {"db": url.database}).mappings().all()
    waiting = [r for r in rows if r["state"] == "LOCK WAIT"]
    on_lease = [r for r in waiting if "worker_lease" in (r["query"] or "")]
    return {
        "open": len(rows),
        "oldest": round(max((float(r["age"]) for r in rows), default=0.0), 1),
        "lock_waits": len(waiting),
        "lease_waits": len(on_lease),
    }
