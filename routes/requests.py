"""PaperDesk's request, session and JSON classes.

Malformed JSON is a 400 that says so. A Bearer-token request opens no cookie session.
"""

from flask import Request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest

from utils import jsonsafe


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, parsing with utils.jsonsafe (no NaN, no deep nesting, valid text)."""

    def loads(self, s, **kwargs):
        return jsonsafe.loads(s, **kwargs)


class BadBody(BadRequest):
    """A 400 for the request body as a whole: the API names its field as ``body``."""

    field = "body"


class PaperDeskRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:
            raise BadBody("Send the body as JSON with Content-Type: application/json.")
        why = str(e) if isinstance(e, jsonsafe.MalformedJSON) else "it could not be parsed"
        raise BadBody(f"The request body is malformed JSON: {why}")


class TokenRequestSession(SecureCookieSession):
    """The session of a Bearer-token request: empty, never read from nor saved to a cookie.

    Writes (a flash from a page view called with a token) are accepted and dropped."""


class PaperDeskSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions for browsers; a token request neither loads nor sets the cookie.

    A token authenticates each request by itself (app.register_request_auth), so its
    session would only cost a signature check, a ``Vary: Cookie`` and a Set-Cookie."""

    def open_session(self, app, request):
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return TokenRequestSession()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not isinstance(session, TokenRequestSession):
            super().save_session(app, session, response)
