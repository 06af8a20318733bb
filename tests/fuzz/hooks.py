"""schemathesis checks beyond the built-in ones (loaded with SCHEMATHESIS_HOOKS)."""

import schemathesis

from routes.openapi.spec import SERVER_LIMITS


@schemathesis.check
def errors_are_clear_json(ctx, response, case):
    """Every 4xx is a JSON error with a message; a 400 names the field at fault."""
    if not 400 <= response.status_code < 500 or str(response.status_code) in SERVER_LIMITS:
        return None  # (a request line too long is refused by gunicorn with a page of its own)
    try:
        body = response.json()
    except ValueError:  # not JSON at all: a failure to report, with what came instead
        shown = response.text[:80]
        raise AssertionError(f"a {response.status_code} that is not JSON: {shown!r}") from None
    assert body.get("success") is False, "a 4xx without success: false"
    assert isinstance(body.get("error"), str) and body["error"], "a 4xx without a message"
    if response.status_code == 400:
        assert body.get("field"), f"a 400 that names no field: {body['error']!r}"
    return None
