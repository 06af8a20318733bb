"""Device cookies: a browser that signed in to an account before is recognised.

After a successful sign-in the browser gets a signed cookie naming the account and
a random device id. Sign-ins that present it are throttled on that device's own
failures (see services.accounts), so failures from elsewhere cannot lock out the
owner's usual browser. Without a valid cookie a sign-in is throttled as untrusted.
"""

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from services.accounts import throttle_key

COOKIE = "paperdesk_device"
MAX_AGE = 180 * 86400


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="paperdesk-device")


def _key(username: str) -> str:
    return (username or "").strip().lower()[:64]


def trusted_device(username: str) -> str | None:
    """The device id of this browser's cookie when it names ``username``, else None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _signer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != _key(username):
        return None
    device = data.get("d")
    return device if isinstance(device, str) and len(device) <= 32 else None


def account_device(account) -> str | None:
    """trusted_device() for a signed-in ``account`` (a User or an Admin)."""
    return trusted_device(throttle_key(account.role, account.name))


def remember_device(response, username: str, device: str | None) -> None:
    """Give the browser a device cookie for ``username`` (keeping its id if it had one)."""
    value = _signer().dumps({"u": _key(username), "d": device or secrets.token_hex(16)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
