"""Live market activity for admins: windowed counts as JSON and as a live stream."""

from flask import current_app, jsonify, request
from flask_login import current_user

from routes.admin import bp
from routes.live import follow, sse, stream_response
from services.activity.store import stored_minutes, with_user_names
from services.errors import ServiceError
from utils.clock import epoch
from utils.parsing import whole_number

MAX_WINDOW = 3600
DEFAULT_SPAN = 600  # seconds of history when ``since`` is not given


def _window() -> int:
    base = current_app.config["ACTIVITY_WINDOW"]
    window = whole_number(request.args.get("window", str(base)), base, MAX_WINDOW)
    if window is None or window % base:
        raise ServiceError(
            f"window must be a multiple of {base} seconds, at most {MAX_WINDOW}.", "window"
        )
    return window


def _since() -> float:
    raw = request.args.get("since")
    if raw in (None, ""):
        return epoch() - DEFAULT_SPAN
    try:
        since = float(raw)
    except ValueError:
        raise ServiceError("since must be a time in epoch seconds.", "since") from None
    if not 0 <= since < 1e11:
        raise ServiceError("since must be a time in epoch seconds.", "since")
    return since


def activity_windows(window: int, since: float) -> tuple[str, int, list[dict]]:
    """(source, window, windows): the worker's memory when it runs in this process,
    otherwise the minute summaries in the database."""
    activity = current_app.extensions.get("paperdesk_activity")
    if activity is not None:
        return "memory", window, with_user_names(activity.windows_since(since, window))
    return "database", 60, with_user_names(stored_minutes(since))


@bp.get("/api/activity")
def api_activity():
    source, window, windows = activity_windows(_window(), _since())
    return jsonify(success=True, source=source, window=window, windows=windows)


@bp.get("/stream/activity")
def stream_activity():
    window, since = current_app.config["ACTIVITY_WINDOW"], epoch() - DEFAULT_SPAN

    def snapshot():
        source, width, windows = activity_windows(window, since)
        # ``now`` lets the page count "the last 5 minutes" on the server's clock
        body = {"source": source, "window": width, "windows": windows, "now": epoch()}
        return [sse("windows", body)]

    def wanted(item):
        return item["type"] == "activity.window"

    def on_events(_app, found, _degraded):
        return [sse("window", w) for w in with_user_names([e["payload"] for e in found])]

    def live(app):
        with app.app_context():
            first = snapshot()
        yield from follow(app, wanted, on_events, app.config["STREAM_MAX_SECONDS"], first)

    return stream_response(current_user.get_id(), snapshot, live)
