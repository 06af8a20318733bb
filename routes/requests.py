"""PaperDesk's request and JSON classes: malformed JSON is a 400 that says so."""

from flask import Request
from flask.json.provider import DefaultJSONProvider
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
