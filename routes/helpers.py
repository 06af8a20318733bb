"""Small helpers shared by the blueprints: JSON detection, errors, roles."""

from functools import wraps

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from routes.requests import BadBody
from services.errors import ServiceError
from utils.parsing import whole_number


def wants_json() -> bool:
    """True when the client is a JSON client rather than a browser page."""
    if "/api/" in request.path or request.path.startswith("/stream/") or request.is_json:
        return True
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def json_error(message: str, status: int = 400, **extra):
    """The API's error shape: {"success": false, "error": message}."""
    return jsonify(success=False, error=message, **extra), status


def form_post(action, again, done):
    """A page's form post: run ``action()``. A refusal (a 400) is flashed as a form error
    and ``again()`` renders the form's page with what was typed, answered 400, with
    nothing stored; otherwise ``done(result)`` gives the success message and the address
    to go to. Other errors (a 404) propagate."""
    try:
        result = action()
    except ServiceError as exc:
        if exc.status_code != 400:
            raise
        flash(exc.message, "danger")
        return again(), 400
    message, target = done(result)
    flash(message, "success")
    return redirect(target)


def client_ip() -> str:
    """The caller's address (set ProxyFix in front of a proxy)."""
    return (request.remote_addr or "unknown")[:45]


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def require_role(role: str, login_endpoint: str):
    """A before_request guard: anonymous → sign in (401 for JSON), wrong role → 403."""

    def guard():
        if not current_user.is_authenticated:
            if wants_json():
                return json_error("Authentication required.", 401)
            return redirect(url_for(login_endpoint, next=request.full_path))
        if current_user.role != role:
            abort(403)
        return None

    return guard


# The blueprints open to admins alone (guard_admin): tests walk every endpoint of them.
ADMIN_BLUEPRINTS: set[str] = set()


def guard_admin(bp) -> None:
    """Open ``bp`` to signed-in admins alone, enrolled in two-factor sign-in first when
    TWO_FACTOR_REQUIRED_FOR_ADMINS says so."""
    bp.before_request(require_role("admin", "auth.admin_login"))
    bp.before_request(require_admin_two_factor)
    ADMIN_BLUEPRINTS.add(bp.name)


def require_admin_two_factor():
    """With TWO_FACTOR_REQUIRED_FOR_ADMINS, an admin without it enrols before anything else."""
    from services import two_factor

    if not current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"]:
        return None
    if two_factor.is_enabled(current_user):
        return None
    message = "Two-factor sign-in is required for admins: turn it on at /auth/two-factor."
    if wants_json():
        return json_error(message, 403)
    flash(message, "warning")
    return redirect(url_for("auth.two_factor"))


def require_any_role():
    """A before_request guard for pages open to users and admins alike."""
    if not current_user.is_authenticated:
        if wants_json():
            return json_error("Authentication required.", 401)
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def json_body() -> dict:
    """The request's JSON object, or a form's fields, as a dict.

    Malformed JSON is a 400 saying so; an empty JSON body is an empty object; a body
    that is neither JSON nor a form (JSON sent as text/plain) is a 400 naming the type.
    """
    if request.is_json:
        if not request.get_data(cache=True):
            return {}
        body = request.get_json()
        if not isinstance(body, dict):
            raise BadBody("The request body must be a JSON object: {...}.")
        return body
    form = request.form.to_dict()
    if not form and request.get_data(cache=True):
        raise BadBody("Send the body as JSON with Content-Type: application/json.")
    return form


def role_only(role: str):
    """A view decorator with the same rule as require_role, for single views."""

    def decorator(view):
        guard = require_role(role, "auth.admin_login" if role == "admin" else "auth.login")

        @wraps(view)
        def wrapped(*args, **kwargs):
            return guard() or view(*args, **kwargs)

        return wrapped

    return decorator


def action_done(message: str, back: str, **data):
    """Answer a successful action: JSON for JSON clients, else a flash and a redirect back."""
    if wants_json():
        return jsonify(success=True, message=message, **data)
    flash(message, "success")
    return redirect(request.referrer or url_for(back))


def action_refused(error, back: str):
    """Answer a refused action (a ServiceError) the same two ways."""
    if wants_json():
        extra = {"field": error.field} if error.field else {}
        return json_error(error.message, error.status_code, **extra)
    flash(error.message, "danger")
    return redirect(request.referrer or url_for(back))


MAX_ID = 2**63 - 1  # the largest id any database column here holds


class BoundedInt(IntegerConverter):
    """``<int:...>`` in URLs, up to the largest id a column holds: beyond it is a 404.

    Longer numbers do not match the pattern at all. (A number the pattern matched but
    ``max`` refused would make Werkzeug answer 405 for some methods of the same path.)
    """

    regex = r"\d{1,18}"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def int_arg(name: str, default: int | None, low: int = 1, high: int = MAX_ID) -> int | None:
    """A whole-number query argument within [low, high]; anything else is a 400 naming it."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    value = whole_number(raw, low, high)
    if value is None:
        raise ServiceError(f"{name} must be a whole number from {low} to {high}.", field=name)
    return value


MAX_PAGE = 100_000


def page_args(default_limit: int = 20, max_limit: int = 100) -> tuple[int, int]:
    """``page`` (1-100,000) and ``limit`` (1-max_limit) from the query string."""
    page = int_arg("page", 1, 1, MAX_PAGE)
    return page, int_arg("limit", default_limit, 1, max_limit)
