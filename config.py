"""Configuration: embedded defaults that need nothing outside the machine.

Every setting can be overridden from the environment with the same name.
"""

import os
import secrets
from datetime import time
from decimal import Decimal
from pathlib import Path

from utils.market_data import PROVIDERS
from utils.market_data.hours import MODES

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env(name: str, default):
    """Read ``name`` from the environment, converted to the type of ``default``."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Decimal):
        return Decimal(raw)
    return raw


def load_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """Return SECRET_KEY from the environment, or from a file generated once in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """The embedded default: SQLite in instance/, simulated market, offline assistant."""

    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'paperdesk.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    DB_POOL_RECYCLE = _env("DB_POOL_RECYCLE", 280)
    DB_POOL_SIZE = _env("DB_POOL_SIZE", 10)
    DB_MAX_OVERFLOW = _env("DB_MAX_OVERFLOW", 10)
    DB_BATCH_WRITES = _env("DB_BATCH_WRITES", True)
    PRICE_CACHE_SECONDS = _env("PRICE_CACHE_SECONDS", 0.25)
    TOKEN_CACHE_SECONDS = _env("TOKEN_CACHE_SECONDS", 2.0)
    FILL_BATCH_SIZE = _env("FILL_BATCH_SIZE", 200)
    PORT = _env("PORT", 5003)
    LOG_DIR = _env("LOG_DIR", str(BASE_DIR / "logs"))
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    MAX_CONTENT_LENGTH = _env("MAX_CONTENT_LENGTH", 1_048_576)  # bytes in one request body
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    PASSWORD_HASH_METHOD = _env("PASSWORD_HASH_METHOD", "scrypt")
    PASSWORD_MIN_LENGTH = _env("PASSWORD_MIN_LENGTH", 10)
    LOGIN_MAX_FAILURES = _env("LOGIN_MAX_FAILURES", 5)
    LOGIN_FAILURE_WINDOW = _env("LOGIN_FAILURE_WINDOW", 60)
    LOGIN_MAX_FAILURES_PER_IP = _env("LOGIN_MAX_FAILURES_PER_IP", 30)
    SESSION_IDLE_TIMEOUT = _env("SESSION_IDLE_TIMEOUT", 7200)
    SESSION_MAX_AGE = _env("SESSION_MAX_AGE", 43200)
    PERMANENT_SESSION_LIFETIME = SESSION_MAX_AGE  # the cookie lives no longer than its session
    TRUSTED_PROXIES = _env("TRUSTED_PROXIES", 0)
    TWO_FACTOR_REQUIRED_FOR_ADMINS = _env("TWO_FACTOR_REQUIRED_FOR_ADMINS", False)

    FUND_MAX_AMOUNT = _env("FUND_MAX_AMOUNT", Decimal("1000000.00"))
    API_TOKENS_PER_OWNER = _env("API_TOKENS_PER_OWNER", 20)

    ADMIN_USERNAME = _env("ADMIN_USERNAME", "")
    ADMIN_PASSWORD = _env("ADMIN_PASSWORD", "")

    MARKET_DATA_PROVIDER = _env("MARKET_DATA_PROVIDER", "sim")
    # exchange | always; unset: always for the simulated market, exchange for yfinance
    MARKET_HOURS = _env("MARKET_HOURS", "")
    MARKET_SEED = _env("MARKET_SEED", 20130208)
    MARKET_UNIVERSE = _env("MARKET_UNIVERSE", "AAPL,MSFT,AMZN,GOOGL,NVDA,JPM,KO,XOM")
    QUOTE_TTL = _env("QUOTE_TTL", 60)
    YFINANCE_TIMEOUT = _env("YFINANCE_TIMEOUT", 10.0)
    HISTORY_MAX_AGE = _env("HISTORY_MAX_AGE", 86400)
    HISTORY_CACHE_SECONDS = _env("HISTORY_CACHE_SECONDS", 10.0)
    VIEW_WINDOW = _env("VIEW_WINDOW", 300)
    WATCHLIST_MAX = _env("WATCHLIST_MAX", 50)

    WORKER_ENABLED = _env("WORKER_ENABLED", True)
    WORKER_INTERVAL = _env("WORKER_INTERVAL", 1.0)
    LEASE_SECONDS = _env("LEASE_SECONDS", 10.0)
    CANDLE_INTERVALS = (10, 60)
    CANDLE_RETENTION = {10: 2 * 86400, 60: 30 * 86400}
    STREAM_MAX_SECONDS = _env("STREAM_MAX_SECONDS", 300)
    STREAM_AUTH_CHECK_SECONDS = _env("STREAM_AUTH_CHECK_SECONDS", 10)
    STREAM_SLOTS = _env("STREAM_SLOTS", 4)
    STREAM_SLOTS_PER_USER = _env("STREAM_SLOTS_PER_USER", 3)
    STREAM_BUSY_RETRY = _env("STREAM_BUSY_RETRY", 5)

    COMMISSION_FIXED = _env("COMMISSION_FIXED", Decimal("1.00"))
    COMMISSION_BPS = _env("COMMISSION_BPS", Decimal("0"))
    COMMISSION_MIN = _env("COMMISSION_MIN", Decimal("1.00"))
    SLIPPAGE_BPS = _env("SLIPPAGE_BPS", Decimal("2"))
    MARKET_COLLAR_BPS = _env("MARKET_COLLAR_BPS", Decimal("500"))
    PARTIAL_FILLS = _env("PARTIAL_FILLS", False)
    PARTIAL_FILL_SHARE = _env("PARTIAL_FILL_SHARE", 0.10)
    MAX_ORDER_QUANTITY = _env("MAX_ORDER_QUANTITY", 1_000_000)
    MAX_PRICE = _env("MAX_PRICE", Decimal("1000000"))
    RISK_MAX_ORDER_VALUE = _env("RISK_MAX_ORDER_VALUE", Decimal("1000000.00"))
    RISK_MAX_DAILY_VALUE = _env("RISK_MAX_DAILY_VALUE", Decimal("0"))
    RISK_PRICE_BAND_PERCENT = _env("RISK_PRICE_BAND_PERCENT", Decimal("25"))
    SESSION_CLOSE_UTC = _env("SESSION_CLOSE_UTC", "21:00")  # the always-mode daily cut-off
    QUOTE_HOLD_SECONDS = _env("QUOTE_HOLD_SECONDS", 60)
    DTS_COMMISSION = _env("DTS_COMMISSION", Decimal("0"))
    DTS_SERVER_NAME = _env("DTS_SERVER_NAME", "paperdesk")
    DTS_LOG_DIR = _env("DTS_LOG_DIR", str(INSTANCE_DIR / "dts-logs"))
    DTS_QUOTE_SEED = _env("DTS_QUOTE_SEED", 468)
    DTS_GROUP_SIZE = _env("DTS_GROUP_SIZE", 200)

    ACCOUNT_RESET_ALLOWED = _env("ACCOUNT_RESET_ALLOWED", True)
    ACCOUNT_RESET_BALANCE = _env("ACCOUNT_RESET_BALANCE", Decimal("100000.00"))
    RISK_FREE_RATE = _env("RISK_FREE_RATE", 0.0)
    ANALYSIS_MAX_TICKERS = _env("ANALYSIS_MAX_TICKERS", 10)
    ANALYSIS_CACHE_SECONDS = _env("ANALYSIS_CACHE_SECONDS", 120)
    MC_MAX_DAYS = _env("MC_MAX_DAYS", 756)
    MC_MAX_SIMULATIONS = _env("MC_MAX_SIMULATIONS", 200_000)
    MC_WORKERS = _env("MC_WORKERS", 2)

    GEMINI_API_KEY = _env("GEMINI_API_KEY", "")  # empty: the offline assistant answers
    GEMINI_MODEL = _env("GEMINI_MODEL", "gemini-3.8-flash")
    GEMINI_BASE_URL = _env("GEMINI_BASE_URL", "")
    GEMINI_TIMEOUT = _env("GEMINI_TIMEOUT", 30.0)
    GEMINI_RETRIES = _env("GEMINI_RETRIES", 3)
    GEMINI_RETRY_DELAY = _env("GEMINI_RETRY_DELAY", 1.0)
    GEMINI_TOOL_ROUNDS = _env("GEMINI_TOOL_ROUNDS", 4)
    ASSISTANT_MAX_MESSAGE = _env("ASSISTANT_MAX_MESSAGE", 2000)
    ASSISTANT_HISTORY_TOKENS = _env("ASSISTANT_HISTORY_TOKENS", 4000)
    ASSISTANT_RATE_LIMIT = _env("ASSISTANT_RATE_LIMIT", 10)
    ASSISTANT_RATE_WINDOW = _env("ASSISTANT_RATE_WINDOW", 60)

    REDIS_URL = _env("REDIS_URL", "")  # set: events go through Redis Streams
    EVENT_STREAM_KEY = _env("EVENT_STREAM_KEY", "paperdesk:events")
    EVENT_STREAM_MAXLEN = _env("EVENT_STREAM_MAXLEN", 100_000)
    EVENT_RETRY_SECONDS = _env("EVENT_RETRY_SECONDS", 5.0)
    ACTIVITY_WINDOW = _env("ACTIVITY_WINDOW", 5)
    ACTIVITY_GRACE = _env("ACTIVITY_GRACE", 2)
    RULES_PER_USER = _env("RULES_PER_USER", 20)
    ALERTS_PER_USER = _env("ALERTS_PER_USER", 50)


class TestConfig(Config):
    """Settings for the test suite: a throwaway database and fast password hashing."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SECRET_KEY = "test-secret-key"
    MARKET_DATA_PROVIDER = "sim"
    MARKET_SEED = 7
    WORKER_ENABLED = False  # tests call one tick directly
    # Browser tests open many pages one after another in one process; a stream whose page
    # has gone keeps its slot until its next write, so tests get room (slot tests set theirs).
    STREAM_SLOTS = 64
    STREAM_SLOTS_PER_USER = 64
    RISK_PRICE_BAND_PERCENT = Decimal("0")  # tests place far limits; tests/test_risk.py sets it
    ANALYSIS_CACHE_SECONDS = 0  # a test that checks the cache turns it on
    HISTORY_CACHE_SECONDS = 0  # likewise
    GEMINI_API_KEY = ""  # a test that uses Gemini sets a key and a fake or stub server
    GEMINI_RETRY_DELAY = 0.01


class ProductionConfig(Config):
    """Settings for a deployment behind HTTPS (``PAPERDESK_ENV=production``).

    Cookies are sent over HTTPS only, responses carry HSTS, and URLs are built https.
    """

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


ENVIRONMENTS = {"development": Config, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """The configuration named by PAPERDESK_ENV (``development``, the default, or
    ``production``); any other name is refused so that a typo cannot fall back silently."""
    name = (os.environ.get("PAPERDESK_ENV") or "development").strip().lower()
    if name not in ENVIRONMENTS:
        raise RuntimeError(f"PAPERDESK_ENV={name!r} is not one of: {', '.join(ENVIRONMENTS)}.")
    return ENVIRONMENTS[name]


def check_settings(config) -> None:
    """Refuse settings that cannot work together, at start-up rather than under load."""
    if config["WORKER_INTERVAL"] * 2 > config["LEASE_SECONDS"]:
        raise RuntimeError(
            f"WORKER_INTERVAL ({config['WORKER_INTERVAL']:g} s) must be at most half of "
            f"LEASE_SECONDS ({config['LEASE_SECONDS']:g} s): the worker renews its lease "
            "at most once per interval, so a longer interval lets it run out under a live "
            "holder."
        )
    check_market_settings(config)


def check_market_settings(config) -> None:
    """Refuse a market provider, market hours or daily cut-off that PaperDesk cannot run,
    which would otherwise fail every page and worker tick from the first one on."""
    provider = str(config["MARKET_DATA_PROVIDER"]).strip().lower()
    if provider not in PROVIDERS:
        raise RuntimeError(
            f"MARKET_DATA_PROVIDER={provider!r} is not one of: {', '.join(PROVIDERS)}."
        )
    hours = str(config.get("MARKET_HOURS") or "").strip().lower()
    if hours and hours not in MODES:
        raise RuntimeError(f"MARKET_HOURS={hours!r} is not one of: {', '.join(MODES)}.")
    close = str(config["SESSION_CLOSE_UTC"])
    try:
        hour, minute = (int(part) for part in close.split(":"))
        time(hour, minute)
    except ValueError:
        raise RuntimeError(f"SESSION_CLOSE_UTC={close!r} is not a time such as 21:00.") from None
