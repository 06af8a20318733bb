"""Blueprint registration."""

from flask import Flask


def register_routes(app: Flask) -> None:
    """Register every blueprint on the app."""
    from routes.admin import bp as admin_bp
    from routes.auth import bp as auth_bp
    from routes.core import bp as core_bp
    from routes.dts import bp as dts_bp
    from routes.market import bp as market_bp
    from routes.openapi import bp as openapi_bp
    from routes.user import bp as user_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(user_bp, url_prefix="/user")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(market_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(dts_bp)
