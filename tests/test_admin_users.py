"""The admin user list, search, detail, enable/disable and the audit log."""

from sqlalchemy import select

from extensions import db
from models import AuditLog, User
from tests.conftest import csrf_token


def test_user_search_finds_by_name_and_email(make_user, admin_client):
    make_user("alice")
    make_user("bob")
    page = admin_client.get("/admin/users?q=ali").get_data(as_text=True)
    assert "alice@example.com" in page and "bob@example.com" not in page
    page = admin_client.get("/admin/users?q=BOB@EXAMPLE").get_data(as_text=True)
    assert "bob@example.com" in page and "alice@example.com" not in page


def test_user_search_takes_underscore_and_percent_literally(make_user, admin_client):
    make_user("bob_smith")
    make_user("bobxsmith")
    make_user("carol")
    page = admin_client.get("/admin/users?q=b_s").get_data(as_text=True)
    assert "bob_smith@example.com" in page and "bobxsmith@example.com" not in page
    page = admin_client.get("/admin/users?q=%25").get_data(as_text=True)
    assert "carol@example.com" not in page


def test_disable_and_enable_are_audited_with_who_and_when(app, make_user, admin, admin_client):
    user_id = make_user("alice")
    token = csrf_token(admin_client, "/admin/dashboard")
    response = admin_client.post(
        f"/admin/users/{user_id}/disable", data={"csrf_token": token}, follow_redirects=True
    )
    assert "User disabled" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).is_enabled is False
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.disable"))
        assert (entry.actor_type, entry.actor_id, entry.target_id) == ("admin", admin, user_id)
        assert entry.created_at is not None
    admin_client.post(f"/admin/users/{user_id}/enable", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(User, user_id).is_enabled is True
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "user.enable" in page and "user.disable" in page


def test_user_detail_shows_account_and_404s_for_unknown(make_user, admin_client):
    user_id = make_user("alice")
    page = admin_client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "alice@example.com" in page and 'data-balance="total"' in page
    assert admin_client.get("/admin/users/999").status_code == 404
    token = csrf_token(admin_client, "/admin/dashboard")
    assert (
        admin_client.post("/admin/users/999/disable", data={"csrf_token": token}).status_code == 404
    )
