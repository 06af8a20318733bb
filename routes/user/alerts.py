"""Price alerts and notifications: pages, JSON, and the live notification stream."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from routes.helpers import MAX_ID, client_ip, form_post, json_body
from routes.market.feeds import NoteFeed, page_stream
from routes.user import bp
from services import notifications
from services.alerts import store
from services.errors import ServiceError
from utils import formatting
from utils.parsing import whole_number


def note_json(n) -> dict:
    """A notification for the API."""
    return {
        "notification_id": n.notification_id,
        "kind": n.kind,
        "message": n.message,
        "link": n.link,
        "created_at": formatting.iso(n.created_at),
        "read": n.read_at is not None,
    }


@bp.get("/alerts")
def alerts_page():
    return _alerts_page()


def _alerts_page(values: dict | None = None) -> str:
    """The alerts page; ``values`` are a refused form's fields, shown again."""
    alerts = store.list_alerts(current_user.user_id)
    return render_template("user/alerts.html", alerts=alerts, values=values or {})


@bp.post("/alerts")
def alerts_create():
    page = url_for("user.alerts_page")
    return form_post(
        lambda: store.create(current_user, json_body(), client_ip()),
        lambda: _alerts_page(request.form.to_dict()),
        lambda alert: (f"Alert set: {_described(alert)}.", page),
    )


@bp.post("/alerts/<int:alert_id>/delete")
def alerts_delete(alert_id: int):
    store.delete(current_user, alert_id, client_ip())
    return redirect(url_for("user.alerts_page"))


@bp.get("/api/alerts")
def api_alerts():
    alerts = store.list_alerts(current_user.user_id)
    return jsonify(success=True, alerts=[store.as_json(a) for a in alerts])


@bp.post("/api/alerts")
def api_alert_create():
    alert = store.create(current_user, json_body(), client_ip())
    return jsonify(success=True, alert=store.as_json(alert)), 201


@bp.delete("/api/alerts/<int:alert_id>")
def api_alert_delete(alert_id: int):
    store.delete(current_user, alert_id, client_ip())
    return jsonify(success=True)


@bp.get("/notifications")
def notifications_page():
    return render_template(
        "user/notifications.html", notes=notifications.recent(current_user.user_id)
    )


@bp.post("/notifications/read")
def notifications_read():
    notifications.mark_read(current_user.user_id, _note_id(json_body()))
    return redirect(url_for("user.notifications_page"))


@bp.get("/api/notifications")
def api_notifications():
    user_id = current_user.user_id
    notes = [note_json(n) for n in notifications.recent(user_id)]
    return jsonify(success=True, unread=notifications.unread_count(user_id), notifications=notes)


@bp.post("/api/notifications/read")
def api_notifications_read():
    changed = notifications.mark_read(current_user.user_id, _note_id(json_body()))
    return jsonify(success=True, marked=changed)


def _note_id(body: dict) -> int | None:
    raw = body.get("notification_id")
    if raw in (None, ""):
        return None
    note_id = whole_number(raw, 1, MAX_ID)
    if note_id is None:
        raise ServiceError("notification_id must be a notification's id.", "notification_id")
    return note_id


@bp.get("/stream/notifications")
def stream_notifications():
    """The bell alone (pages use /stream/quotes?notify=1, one stream with their live data)."""
    return page_stream([NoteFeed(current_user.user_id)])


def _described(alert) -> str:
    """The alert as the alerts page shows it: "AAPL above $100.00", "NVDA move down 5.00%"."""
    move = alert.kind.startswith("move")
    limit = (
        formatting.percent(alert.threshold, False) if move else formatting.price(alert.threshold)
    )
    return f"{alert.ticker} {alert.kind.replace('_', ' ')} {limit}"
