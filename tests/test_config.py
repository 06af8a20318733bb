"""Configuration: embedded defaults, environment overrides, the generated secret key."""

import importlib
import os
import threading

import pytest
from sqlalchemy import event

import config
from extensions import db


def test_defaults_need_nothing_outside_the_machine(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    fresh = importlib.reload(config)
    try:
        assert fresh.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
        assert fresh.Config.SQLALCHEMY_DATABASE_URI.endswith("instance/paperdesk.db")
        assert fresh.Config.PORT == 5003
    finally:
        importlib.reload(config)


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://root@127.0.0.1:3306/paperdesk")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("FUND_MAX_AMOUNT", "5000.00")
    fresh = importlib.reload(config)
    try:
        assert (
            fresh.Config.SQLALCHEMY_DATABASE_URI == "mysql+pymysql://root@127.0.0.1:3306/paperdesk"
        )
        assert fresh.Config.PORT == 8080
        assert str(fresh.Config.FUND_MAX_AMOUNT) == "5000.00"
    finally:
        monkeypatch.delenv("DATABASE_URL")
        monkeypatch.delenv("PORT")
        monkeypatch.delenv("FUND_MAX_AMOUNT")
        importlib.reload(config)


def test_a_worker_interval_the_lease_cannot_cover_is_refused_at_start(tmp_path):
    from app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "LOG_DIR": str(tmp_path)}
    with pytest.raises(RuntimeError, match=r"WORKER_INTERVAL .* at most half of LEASE_SECONDS"):
        create_app(config.Config, {**settings, "WORKER_INTERVAL": 6.0, "LEASE_SECONDS": 10.0})
    assert create_app(config.Config, {**settings, "WORKER_INTERVAL": 5.0, "LEASE_SECONDS": 10.0})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MARKET_HOURS", "allways"),
        ("SESSION_CLOSE_UTC", "25:00"),
        ("MARKET_DATA_PROVIDER", "yahoo"),
    ],
)
def test_a_market_setting_that_cannot_work_is_refused_at_start(tmp_path, name, value):
    from app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "LOG_DIR": str(tmp_path)}
    with pytest.raises(RuntimeError, match=rf"^{name}="):
        create_app(config.Config, {**settings, name: value})


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load_secret_key(tmp_path)
    assert len(first) == 64
    assert config.load_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.load_secret_key(tmp_path) == "from-env"


def test_logs_go_to_a_rotating_file(app):
    from pathlib import Path

    app.logger.warning("hello from the test")
    log_file = Path(app.config["LOG_DIR"]) / "paperdesk.log"
    for handler in app.logger.parent.handlers:
        handler.flush()
    assert "hello from the test" in log_file.read_text()


def test_pages_carry_csrf_meta_and_theme_switch(client):
    page = client.get("/about").get_data(as_text=True)
    assert '<meta name="csrf-token" content="' in page
    assert 'id="theme-toggle"' in page
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "historical data: IEX" in page


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="the connection pool is MySQL/MariaDB's"
)
def test_a_busy_process_reuses_its_connections(app):
    """Eight threads at once (a gunicorn process's), twice: the second time opens nothing."""
    opened = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", lambda *_: opened.append(1))
    barrier = threading.Barrier(8)

    def busy():
        with engine.connect() as conn:
            barrier.wait()
            conn.exec_driver_sql("SELECT 1")

    def burst() -> int:
        threads = [threading.Thread(target=busy) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return len(opened)

    after_first = burst()
    assert burst() == after_first  # the second burst found its connections kept
    assert engine.pool.size() == app.config["DB_POOL_SIZE"] >= 9
