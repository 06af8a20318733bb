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
