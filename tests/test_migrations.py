"""The schema built by `flask db upgrade` matches the models, on SQLite and MariaDB."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from extensions import db


def test_migrated_schema_has_no_drift_from_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_created_every_table_with_its_keys(app):
    with app.app_context():
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names())
        assert set(db.metadata.tables) <= tables
        assert "alembic_version" in tables
        unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("portfolio")}
        assert ("user_id", "ticker") in unique
        assert inspector.get_pk_constraint("market_data")["constrained_columns"] == [
            "ticker",
            "date",
        ]
        fks = inspector.get_foreign_keys("fund_transaction")
        assert {fk["referred_table"] for fk in fks} == {"user", "admin"}


def test_migrations_downgrade_to_base_and_upgrade_again(app_settings, tmp_path):
    import os

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from app import create_app
    from config import TestConfig

    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        parsed = make_url(url).set(database=make_url(url).database + "_updown")
        server = create_engine(parsed.set(database=""))
        with server.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{parsed.database}`")
            conn.exec_driver_sql(f"CREATE DATABASE `{parsed.database}`")
        server.dispose()
        url = parsed.render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'updown.db'}"
    app = create_app(TestConfig, {**app_settings, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()
