"""Security headers on every response.

The policy allows only PaperDesk's own scripts, styles, images and connections (every
front-end file is vendored under static/), forbids framing by any page, and keeps
URLs from leaking to other sites. HSTS is sent when HTTPS is configured.
"""

from flask import Flask, make_response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def no_store(page):
    """``page`` (a response, or a body with a status) marked never to be stored: it shows
    a secret (a TOTP secret, recovery codes, a new API token) that the browser's cache
    or back button must not show again, say after sign-out on a shared computer."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_security_headers(app: Flask) -> None:
    """Add the headers above to every response (HSTS only with SESSION_COOKIE_SECURE).

    The pairs are built once; a response that set none of them itself (nearly all) gets
    them in one extend, one that set some keeps its own values."""
    pairs = list(HEADERS.items())
    if app.config.get("SESSION_COOKIE_SECURE", False):
        pairs.append(("Strict-Transport-Security", HSTS))
    names = frozenset(name.lower() for name, _ in pairs)

    @app.after_request
    def add_headers(response):
        headers = response.headers
        if names.isdisjoint(key.lower() for key, _ in headers.items()):
            headers.extend(pairs)
        else:
            for name, value in pairs:
                headers.setdefault(name, value)
        return response
