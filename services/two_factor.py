"""Two-factor sign-in with TOTP (RFC 6238, 30-second steps, 6 digits) and recovery codes.

Enrolment stores a fresh secret, shown once as a QR code; it is in force once the first
code from the app is confirmed, which also hands out ten one-time recovery codes (only
their hashes are kept). A code is accepted for the current step or one either side (a
phone's clock drifts), and never twice: the newest step used is kept under a row lock.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
from sqlalchemy import delete, select

from extensions import db
from models import Admin, RecoveryCode, TwoFactor
from services import accounts, audit
from services.db import lock_one, lock_person, transaction
from services.errors import Conflict, ServiceError, Throttled
from utils.clock import epoch, utcnow

ISSUER = "PaperDesk"
RECOVERY_CODES = 10
STEP = 30
MAX_FAILURES = 5
LOCK_SECONDS = 300
NOT_ON = "Two-factor sign-in is not on."


def _owner(owner):
    if isinstance(owner, Admin):
        return TwoFactor.admin_id == owner.admin_id
    return TwoFactor.user_id == owner.user_id


def _row(owner) -> TwoFactor | None:
    return db.session.scalar(select(TwoFactor).where(_owner(owner)))


def is_enabled(owner) -> bool:
    """True when ``owner`` (a User or an Admin) signs in with a second factor."""
    row = _row(owner)
    return row is not None and row.enabled_at is not None


def begin(owner, restart: bool = False) -> TwoFactor:
    """The pending secret of an enrolment (a new one the first time, or with ``restart``);
    refused while two-factor sign-in is in force."""
    with transaction():
        lock_person(owner)  # two first visits at once store one pending row, not two
        row = _row(owner)
        if row is not None and row.enabled_at is not None:
            raise Conflict("Two-factor sign-in is already on; turn it off first.")
        if row is not None and not restart:
            return row
        if row is None:
            key = {"admin_id": owner.admin_id} if isinstance(owner, Admin) else {}
            row = TwoFactor(user_id=None if key else owner.user_id, **key)
            db.session.add(row)
        row.secret = pyotp.random_base32()
        row.last_step = 0
    return row


def provisioning_uri(owner, row: TwoFactor) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(row.secret).provisioning_uri(name=owner.name, issuer_name=ISSUER)


def confirm(owner, code: str, ip: str | None = None) -> list[str]:
    """Turn two-factor sign-in on with the first code; return the recovery codes (once)."""
    with transaction():
        row = _row(owner)
        if row is None or row.enabled_at is not None:
            raise Conflict("Start enrolment again: there is no pending two-factor secret.")
        row = lock_one(TwoFactor, TwoFactor.id == row.id)
        if not _take_totp(row, _typed(code)):
            raise ServiceError("That code is not right; check the app's clock.", field="code")
        row.enabled_at = utcnow()
        codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
        db.session.add_all(RecoveryCode(two_factor_id=row.id, code_hash=_hash(c)) for c in codes)
        audit.record(owner, "two_factor.enable", (owner.role, owner.id), None, ip)
    return codes


def disable(
    owner, password: str, code: str, ip: str | None = None, device: str | None = None
) -> None:
    """Turn two-factor sign-in off; needs the password and a current (or recovery) code.
    Refused (409) when it is not on, or was turned off meanwhile."""
    if not is_enabled(owner):
        raise Conflict(NOT_ON)
    wrong = "The password is not right."
    accounts.check_current_password(owner, password, ip, wrong, "password", device)
    require_code(owner, code)
    with transaction():
        row = _row(owner)
        if row is None:
            raise Conflict(NOT_ON)
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.two_factor_id == row.id))
        db.session.delete(row)
        audit.record(owner, "two_factor.disable", (owner.role, owner.id), None, ip)


def check_code(owner, code: str) -> bool:
    """Use a TOTP code or an unused recovery code; True if it was good (and is now spent).

    After MAX_FAILURES wrong codes in a row no code is accepted for LOCK_SECONDS: meanwhile
    it raises Throttled, so that a right code is not answered as a wrong one.
    """
    code = _typed(code)
    row = _row(owner)
    if row is None or row.enabled_at is None or not code or len(code) > 32:
        return False
    with transaction():
        row = lock_one(TwoFactor, TwoFactor.id == row.id)
        now = utcnow()
        if row.locked_until is not None and row.locked_until > now:
            wait = int((row.locked_until - now).total_seconds()) + 1
            raise Throttled(f"Too many wrong codes. Try again in {wait} seconds.", wait)
        if _take_totp(row, code) or _take_recovery(row, code, now):
            row.failures = 0
            return True
        row.failures += 1
        if row.failures >= MAX_FAILURES:
            row.failures, row.locked_until = 0, now + timedelta(seconds=LOCK_SECONDS)
        return False


def _typed(code: str | None) -> str:
    """A code as typed, without the spaces apps show in it ("123 456")."""
    return (code or "").strip().replace(" ", "")


def _take_recovery(row: TwoFactor, code: str, now) -> bool:
    spare = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.two_factor_id == row.id,
            RecoveryCode.code_hash == _hash(code.lower()),
            RecoveryCode.used_at.is_(None),
        )
    )
    if spare is None:
        return False
    spare.used_at = now
    return True


def require_code(owner, code) -> None:
    """For actions that need the second factor (a withdrawal): refuse without a good code.
    Does nothing for someone not enrolled."""
    if not is_enabled(owner):
        return
    if not isinstance(code, str) or not check_code(owner, code):
        raise ServiceError(
            "Enter the 6-digit code from your authenticator app (or a recovery code).",
            field="code",
        )


def recovery_codes_left(owner) -> int:
    """How many unused recovery codes ``owner`` has."""
    row = _row(owner)
    if row is None:
        return 0
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.two_factor_id == row.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _take_totp(row: TwoFactor, code: str) -> bool:
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    totp = pyotp.TOTP(row.secret)
    now = int(epoch()) // STEP
    for step in (now - 1, now, now + 1):
        if step > row.last_step and hmac.compare_digest(totp.at(step * STEP), code):
            row.last_step = step
            return True
    return False


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
