"""Forms: registration states its rules, shows every error at once and never cuts input short;
an unacceptable ADMIN_PASSWORD names the setting."""

from sqlalchemy import func, select

from extensions import db
from models import Admin, User
from tests.conftest import csrf_token


def register(client, **fields):
    data = {"username": "alice", "email": "alice@example.com", "password": "correct-horse-42"}
    data.update(fields)
    data.setdefault("confirm", data["password"])
    data["csrf_token"] = csrf_token(client, "/auth/register")
    return client.post("/auth/register", data=data)


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_register_states_its_rules_before_they_are_broken(client):
    page = client.get("/auth/register").text
    assert "3 to 64 characters: letters, digits, _ . or -." in page
    assert "must not contain your username" in page
    assert "letters and digits" in page and "At least 10" in page
    assert 'aria-describedby="password-rules"' in page
    assert "maxlength" not in page  # the browser would cut long input silently


def test_register_shows_every_error_at_once(app, client, make_user):
    make_user("taken")
    response = register(
        client,
        username="taken",
        email="not-an-email",
        password="taken12345678",
        confirm="different",
    )
    assert response.status_code == 400
    page = response.text
    assert "That username is already registered." in page
    assert "Invalid email address." in page
    assert "Password must not contain the username." in page
    assert "Passwords differ." in page
    assert users(app) == 1


def test_register_lists_all_password_rules_broken(client, app):
    page = register(client, username="bob", password="short").text
    assert "Password must be at least 10 characters." in page
    assert "Password must contain both letters and digits." in page
    assert users(app) == 0


def test_over_long_input_is_refused_not_cut(app, client):
    long_name = "a" * 65
    response = register(client, username=long_name, email="long@example.com")
    assert response.status_code == 400
    assert "Username must be 3-64 characters" in response.text
    assert users(app) == 0
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(user_name=long_name[:64])) is None


def test_a_duplicate_email_is_reported_on_the_email_field(app, client, make_user):
    make_user("first")
    response = register(client, username="second", email="first@example.com")
    assert response.status_code == 400
    assert "That email is already registered." in response.text
    assert users(app) == 1


def test_registering_still_works(app, client):
    response = register(client)
    assert response.status_code == 302
    assert users(app) == 1


def test_an_unacceptable_admin_password_names_the_setting(app, runner, monkeypatch):
    monkeypatch.setenv("ADMIN_USERNAME", "principal")
    monkeypatch.setenv("ADMIN_PASSWORD", "short1")
    result = runner.invoke(args=["ensure-admin"])
    assert result.exit_code != 0
    assert "ADMIN_PASSWORD is not acceptable: Password must be at least 10" in result.output
    monkeypatch.setenv("ADMIN_USERNAME", "x")
    monkeypatch.setenv("ADMIN_PASSWORD", "long-enough-pass-1")
    result = runner.invoke(args=["ensure-admin"])
    assert "ADMIN_USERNAME is not acceptable" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Admin)) == 0
