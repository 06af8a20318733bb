"""Accounts: registration, sign-in with throttling, passwords, admins, enabling and disabling."""

import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models import AccountBalance, Admin, LoginAttempt, User
from services import audit, events, resets, sessions
from services.db import lock_account, lock_one, lock_person, transaction
from services.errors import Conflict, NotFound, ServiceError, Throttled
from utils.clock import utcnow
from utils.passwords import password_problems

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def hash_password(password: str) -> str:
    """Hash a password with the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _decoy_hash(method: str) -> str:
    """A hash of a random password made with ``method``: what an unknown name is checked
    against, so that it takes as long as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def check_new_password(password: str, username: str) -> None:
    """Raise ServiceError naming the first problem with a new password."""
    problems = password_problems(password, username, current_app.config["PASSWORD_MIN_LENGTH"])
    if problems:
        raise ServiceError(problems[0], field="password")


def check_username(username: str) -> str:
    """Return a valid username (3-64 letters, digits, _ . -) or raise ServiceError."""
    username = (username or "").strip()
    if not 3 <= len(username) <= 64 or not set(username) <= USERNAME_CHARS:
        raise ServiceError(
            "Username must be 3-64 characters: letters, digits, '_', '.' or '-'.", field="username"
        )
    return username


def registration_problems(username: str, email: str, password: str) -> dict[str, list[str]]:
    """Every problem with a registration, per field, so a form can show them all at once."""
    problems: dict[str, list[str]] = {}
    try:
        username = check_username(username)
    except ServiceError as exc:
        problems["username"] = [exc.message]
    rules = password_problems(
        password or "", username or "", current_app.config["PASSWORD_MIN_LENGTH"]
    )
    if rules:
        problems["password"] = rules
    email = (email or "").strip().lower()
    taken = db.session.execute(
        select(User.user_name, User.user_email).where(
            or_(func.lower(User.user_name) == (username or "").lower(), User.user_email == email)
        )
    ).all()
    for name, address in taken:
        if name.lower() == (username or "").lower():
            problems.setdefault("username", []).append("That username is already registered.")
        if address == email:
            problems.setdefault("email", []).append("That email is already registered.")
    return problems


def register_user(username: str, email: str, password: str, ip: str | None = None) -> User:
    """Create a user with an empty account; refuse taken names or emails and weak passwords."""
    username = check_username(username)
    email = (email or "").strip().lower()
    check_new_password(password, username)
    _refuse_taken(username, email)
    try:
        with transaction():
            user = User(user_name=username, user_email=email, user_password=hash_password(password))
            user.last_login_at = utcnow()  # registering signs the new user in
            user.account = AccountBalance()
            db.session.add(user)
            db.session.flush()
            audit.record(user, "user.register", ("user", user.user_id), ip=ip)
    except IntegrityError:  # the same name or email registered at the same moment
        _refuse_taken(username, email)
        raise
    return user


def _refuse_taken(username: str, email: str) -> None:
    taken = db.session.scalar(
        select(User).where(
            or_(func.lower(User.user_name) == username.lower(), User.user_email == email)
        )
    )
    if taken is not None:
        field = "username" if taken.user_name.lower() == username.lower() else "email"
        raise Conflict(f"That {field} is already registered.", field=field)


def create_admin(username: str, password: str) -> Admin:
    """Create an admin account (from the CLI or the environment at start-up)."""
    username = check_username(username)
    check_new_password(password, username)
    taken = Conflict(f"An admin named {username} already exists.", field="username")
    if db.session.scalar(select(Admin).where(func.lower(Admin.admin_name) == username.lower())):
        raise taken
    try:
        with transaction():
            admin = Admin(admin_name=username, admin_password=hash_password(password))
            db.session.add(admin)
            db.session.flush()
            audit.record(None, "admin.create", ("admin", admin.admin_id), {"name": username})
    except IntegrityError:
        raise taken from None
    return admin


def _recent_failures(since, *criteria) -> tuple[int, object]:
    stmt = select(func.count(), func.min(LoginAttempt.created_at)).where(
        *criteria, LoginAttempt.created_at >= since
    )
    return db.session.execute(stmt).one()


def throttle_key(role: str, username: str) -> str:
    """Whose failed sign-ins count together: one account of one role. A user and an admin
    of the same name are counted apart, so one's sign-in never clears the other's
    failures, nor do one's failures lock the other out."""
    name = (username or "").strip().lower()
    return name[:64] if role == "user" else f"!{name[:63]}"  # no username starts with "!"


def _check_throttle(username: str, ip: str, device: str | None) -> None:
    """Refuse a sign-in after too many recent failures.

    A browser that signed in to this account before (its device cookie) is limited by
    its own failures only, so a flood of failures from elsewhere never locks the owner
    out. Other clients are limited per account and, more loosely, per address.
    """
    cfg = current_app.config
    window = timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW"])
    now = utcnow()
    if device:
        limits = [((LoginAttempt.device == device,), cfg["LOGIN_MAX_FAILURES"])]
    else:
        untrusted = LoginAttempt.device.is_(None)
        limits = [
            ((LoginAttempt.username == username, untrusted), cfg["LOGIN_MAX_FAILURES"]),
            ((LoginAttempt.ip == ip, untrusted), cfg["LOGIN_MAX_FAILURES_PER_IP"]),
        ]
    for criteria, limit in limits:
        count, oldest = _recent_failures(now - window, *criteria)
        if count >= limit:
            wait = max(1, int((oldest + window - now).total_seconds()) + 1)
            raise Throttled(f"Too many failed sign-in attempts. Try again in {wait} seconds.", wait)


def prune_login_attempts() -> int:
    """Delete failed sign-ins too old to count against any limit; returns how many.
    Only a successful sign-in cleared them before, so failures against names nobody
    signs in with piled up for ever."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW"])
    with transaction():
        return db.session.execute(
            delete(LoginAttempt).where(LoginAttempt.created_at < cutoff)
        ).rowcount


def authenticate(model, username: str, password: str, ip: str, device: str | None = None):
    """Return the enabled User or Admin with these credentials.

    ``device`` is the id of this browser's device cookie when it names this account.
    Raises Throttled after too many recent failures (see _check_throttle), and
    ServiceError for wrong credentials or a disabled account.
    """
    key = throttle_key(model.role, username)
    ip = (ip or "unknown")[:45]
    name_col = User.user_name if model is User else Admin.admin_name
    name = (username or "").strip().lower()[:64]
    account = db.session.scalar(select(model).where(func.lower(name_col) == name))
    if account is not None:
        # Held until this attempt is recorded: guesses sent at once are counted one after
        # another, or all of them would pass the count before any was added to it.
        lock_person(account)
    _check_throttle(key, ip, device)
    stored = account and (account.user_password if model is User else account.admin_password)
    # An unknown name is checked against a decoy, or its quick answer would tell it apart.
    decoy = None if account else _decoy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    if not check_password_hash(stored or decoy, password or "") or not account:
        with transaction():
            db.session.add(LoginAttempt(username=key, ip=ip, device=device))
            if account is not None:  # the account's owner sees the failed attempt
                audit.record(
                    None, f"{account.role}.login_failed", (account.role, account.id), ip=ip
                )
        raise ServiceError("Wrong username or password.")
    if not account.is_enabled:
        raise ServiceError("This account is disabled. Contact an administrator.")
    with transaction():
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == key))
        account.last_login_at = utcnow()
        audit.record(account, f"{account.role}.login", (account.role, account.id), ip=ip)
    return account


def check_current_password(
    account, password: str, ip, message: str, field: str, device: str | None = None
) -> None:
    """Check a signed-in account's password again (to change it, or to turn two-factor
    sign-in off). Throttled and counted as failed sign-ins, so that a session left open
    cannot be used to try passwords freely; ``device`` (this browser's device cookie) is
    limited by its own failures, as at sign-in, so a flood from elsewhere cannot stop
    the owner changing the password."""
    lock_person(account)  # as in authenticate: guesses sent at once are counted in turn
    stored = account.user_password if account.role == "user" else account.admin_password
    key, ip = throttle_key(account.role, account.name), (ip or "unknown")[:45]
    _check_throttle(key, ip, device)
    if not check_password_hash(stored, password or ""):
        with transaction():
            db.session.add(LoginAttempt(username=key, ip=ip, device=device))
            audit.record(None, f"{account.role}.login_failed", (account.role, account.id), ip=ip)
        raise ServiceError(message, field=field)


def change_password(
    account, current: str, new: str, keep_sid: str | None, ip=None, device: str | None = None
) -> int:
    """Set a new password after checking the current one; ends every other session.

    Returns how many other sessions were ended.
    """
    check_current_password(
        account, current, ip, "The current password is wrong.", "current_password", device
    )
    if current == new:
        raise ServiceError("The new password must differ from the current one.", field="password")
    check_new_password(new, account.name)
    with transaction():
        if account.role == "user":
            account.user_password = hash_password(new)
        else:
            account.admin_password = hash_password(new)
        ended = sessions.mark_all_ended(account, keep=keep_sid)
        audit.record(account, f"{account.role}.password", (account.role, account.id), ip=ip)
    return ended


def set_user_enabled(admin: Admin, user_id: int, enabled: bool, ip: str | None = None) -> User:
    """Enable or disable a user. A disabled user cannot sign in or use API tokens, their
    rules stop, and their open orders are cancelled (what they reserved handed back)."""
    with transaction():
        # Locked (account first, as every money operation) before the state is read: a
        # decision read from an unlocked copy is lost when another admin's commits between.
        account = lock_account(user_id)
        user = lock_one(User, User.user_id == user_id)
        if user is None:
            raise NotFound("No such user.")
        if not enabled and user.is_enabled:
            resets.cancel_open_orders(account, user_id, "Account disabled by an administrator.")
        user.is_enabled = enabled
        if not enabled:
            sessions.mark_all_ended(user)
        action = "user.enable" if enabled else "user.disable"
        audit.record(admin, action, ("user", user_id), ip=ip)
        events.emit("rule.changed", {"rule_id": None, "user_id": user_id})  # rules on or off
    return user
