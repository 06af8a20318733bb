"""PaperDesk: the application factory. Run with ``flask --app app run``."""

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from flask import Flask, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import models
from config import INSTANCE_DIR, check_settings, config_from_env, load_secret_key
from extensions import csrf, db, login_manager, migrate
from routes.helpers import BoundedInt, bearer_token, json_error, wants_json
from routes.requests import JSONProvider, PaperDeskRequest, PaperDeskSessionInterface
from routes.security import register_security_headers
from services import events
from services.db import is_lock_contention
from services.errors import ServiceError
from services.pool import accept_batches, configure_autocommit, configure_pool
from utils.assistant.redact import protect
from utils.money import format_money

SIGNED_IN_ONLY = {"user", "admin", "market", "dts"}  # blueprints whose every view needs a sign-in
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(config=None, overrides: dict | None = None) -> Flask:
    """Build the app from a config class (by default the one PAPERDESK_ENV names), with
    optional overrides (used by tests)."""
    config = config or config_from_env()
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=True)
    app.request_class = PaperDeskRequest
    app.session_interface = PaperDeskSessionInterface()
    app.json = JSONProvider(app)
    app.url_map.converters["int"] = BoundedInt
    app.config.from_object(config)
    app.config.update(overrides or {})
    check_settings(app.config)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in authenticate_request()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(Path(app.instance_path))
    configure_logging(app)
    trust_proxies(app)
    register_extensions(app)
    register_request_auth(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def configure_logging(app: Flask) -> None:
    """Log to stderr and to a rotating file under LOG_DIR."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_dir = Path(app.config["LOG_DIR"])
    log_dir.mkdir(parents=True, exist_ok=True)
    handlers = [
        logging.StreamHandler(sys.stderr),
        RotatingFileHandler(log_dir / "paperdesk.log", maxBytes=5_000_000, backupCount=5),
    ]
    root = logging.getLogger("paperdesk")
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    protect(app.config.get("GEMINI_API_KEY"), root)
    app.logger.handlers.clear()
    app.logger.parent = root


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from them.

    Only that many X-Forwarded-* hops are believed, so a client cannot forge its address.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if uri.startswith("mysql"):
        # No pre-ping: a checkout costs no round trip. pool_recycle retires connections
        # before the server's wait_timeout; a dead one fails once (503, register_errorhandlers).
        options.setdefault("isolation_level", "READ COMMITTED")
        options.setdefault("pool_recycle", app.config["DB_POOL_RECYCLE"])
        # Connections kept open: at least a gunicorn process's threads and its market
        # worker, or every busy moment opens (and then closes) connections of its own.
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
        options.setdefault("pool_reset_on_return", None)  # services.pool decides
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if uri.startswith("sqlite"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    events.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif options.get("pool_reset_on_return", "rollback") is None:
            configure_pool(db.engine)
        if db.engine.dialect.name == "mysql" and app.config["DB_BATCH_WRITES"]:
            accept_batches(db.engine)
    if uri.startswith("mysql"):
        configure_autocommit(app, uri, options)


def configure_sqlite(engine) -> None:
    """Make SQLite safe for concurrent writers: WAL, a busy timeout, BEGIN IMMEDIATE.

    SQLite has no row locks; taking the write lock when a transaction begins makes
    read-then-write sequences serial, as SELECT ... FOR UPDATE does on MariaDB.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def register_request_auth(app: Flask) -> None:
    """Sessions for pages (with CSRF), Bearer tokens for JSON clients (no CSRF)."""
    from services import sessions, tokens

    @login_manager.user_loader
    def load_user(key: str):
        if bearer_token() is not None:
            return None  # a token request is never authenticated by a cookie
        kind, _, raw_id = key.partition(":")
        model = {"user": models.User, "admin": models.Admin}.get(kind)
        if model is None or not raw_id.isdigit():
            return None
        return sessions.signed_in(model, session.get("sid"), int(raw_id))

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        if wants_json():
            return json_error("Authentication required.", 401)
        flash("Please sign in to see that page.", "warning")
        return redirect(url_for("auth.login", next=request.full_path))

    @app.before_request
    def start_worker():
        if app.config["WORKER_ENABLED"] and "paperdesk_worker" not in app.extensions:
            from tasks.worker import start_once

            start_once(app)

    @app.before_request
    def authenticate_request():
        token = bearer_token()
        if token is None:
            if request.blueprint in SIGNED_IN_ONLY and not current_user.is_authenticated:
                return None  # nothing to forge without a session: the role guard answers 401
            csrf.protect()
            return None
        owner = tokens.owner_of(token)
        if owner is None:
            return json_error("Invalid or revoked API token.", 401)
        # Flask-Login's current user for this request, without login_user() (which writes
        # the session) or its loaders (which would look at the cookie session first).
        g._login_user = owner
        return None


def register_blueprints(app: Flask) -> None:
    from routes import register_routes

    register_routes(app)


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = "The form's security token is missing or expired. Reload and try again."
        if wants_json():
            return json_error(message, 400, field="csrf_token")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if wants_json():
            extra = {"field": error.field} if error.field else {}
            return json_error(error.message, error.status_code, **extra)
        code = error.status_code
        return render_template("errors/error.html", code=code, message=error.message), code

    @app.errorhandler(HTTPException)
    def http_error(error):
        if wants_json():
            extra = {"field": error.field} if getattr(error, "field", None) else {}
            return json_error(error.description, error.code, **extra)
        # Werkzeug's stock descriptions give way to PaperDesk's own words (errors/error.html).
        message = None if error.description == type(error).description else error.description
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(IntegrityError)
    def conflict(error):
        # A unique key decided between two requests at once; the loser is told so.
        db.session.rollback()
        app.logger.warning("Conflict on %s %s: %s", request.method, request.path, error.orig)
        return _answer(409, "That was just done by another request; reload and check.")

    @app.errorhandler(OperationalError)
    def busy(error):
        db.session.rollback()
        if error.connection_invalidated:  # the pool has been reset; the next request reconnects
            app.logger.warning("Connection lost on %s %s: %s", request.method, request.path, error)
            return _answer(503, "The database connection was lost; please try again.")
        if not is_lock_contention(error):
            return server_error(error)
        app.logger.warning("Lock contention on %s %s: %s", request.method, request.path, error)
        response = _answer(503, "PaperDesk is busy; nothing was changed. Try again.")
        response.headers["Retry-After"] = "1"
        return response

    def _answer(code: int, message: str):
        if wants_json():
            response = json_error(message, code)[0]
        else:
            page = render_template("errors/error.html", code=code, message=message)
            response = app.make_response(page)
        response.status_code = code
        return response

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        message = "Something went wrong on our side. It has been logged."
        if wants_json():
            return json_error(message, 500)
        return render_template("errors/500.html", code=500, message=message), 500


def register_template_helpers(app: Flask) -> None:
    from routes import template_helpers

    app.jinja_env.filters["money"] = format_money
    template_helpers.register(app)

    @app.context_processor
    def inject_role():
        role = current_user.role if current_user.is_authenticated else None
        return {"role": role}


def register_commands(app: Flask) -> None:
    from commands import register

    register(app)
