"""CLI: create-admin and ensure-admin (the first admin, with no default password)."""

from sqlalchemy import func, select

from extensions import db
from models import Admin


def admins(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Admin))


def test_create_admin(app, runner):
    result = runner.invoke(args=["create-admin", "boss", "--password", "strong-pass-99"])
    assert result.exit_code == 0, result.output
    assert "Admin 'boss' created" in result.output
    assert admins(app) == 1


def test_create_admin_refuses_weak_password_and_duplicates(app, runner):
    result = runner.invoke(args=["create-admin", "boss", "--password", "weak"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    runner.invoke(args=["create-admin", "boss", "--password", "strong-pass-99"])
    result = runner.invoke(args=["create-admin", "BOSS", "--password", "strong-pass-99"])
    assert result.exit_code != 0 and "already exists" in result.output
    assert admins(app) == 1


def test_ensure_admin_generates_a_random_password_once(app, runner, client, monkeypatch):
    from tests.conftest import AuthActions

    monkeypatch.delenv("ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    result = runner.invoke(args=["ensure-admin"])
    assert result.exit_code == 0
    password = result.output.split("password: ")[1].split()[0]
    assert len(password) >= 12
    response = AuthActions(client).login("admin", password, "/auth/admin-login")
    assert response.headers["Location"].endswith("/admin/dashboard")
    again = runner.invoke(args=["ensure-admin"])
    assert "exists" in again.output and password not in again.output
    assert admins(app) == 1


def test_ensure_admin_uses_the_environment(app, runner, client, monkeypatch):
    from tests.conftest import AuthActions

    monkeypatch.setenv("ADMIN_USERNAME", "principal")
    monkeypatch.setenv("ADMIN_PASSWORD", "school-admin-2026")
    result = runner.invoke(args=["ensure-admin"])
    assert "ADMIN_PASSWORD" in result.output and "school-admin-2026" not in result.output
    response = AuthActions(client).login("principal", "school-admin-2026", "/auth/admin-login")
    assert response.status_code == 302
