"""The user's profile: display name, time zone and default order size."""

from flask import current_app

from services import audit
from services.db import transaction
from services.errors import ServiceError
from utils.formatting import is_zone
from utils.parsing import whole_number

NAME_MAX = 64


def update(user, display_name: str, time_zone: str, default_quantity, ip: str | None = None):
    """Check and save the profile; every problem is reported at once (``ProfileErrors``)."""
    errors = {}
    name = (display_name or "").strip()
    if len(name) > NAME_MAX:
        errors["display_name"] = f"Display name must be at most {NAME_MAX} characters."
    zone = (time_zone or "").strip()
    if zone and not is_zone(zone):
        errors["time_zone"] = "Choose a time zone from the list, such as Europe/Paris."
    quantity = _quantity(default_quantity, errors)
    if errors:
        raise ProfileErrors(errors)
    with transaction():
        user.display_name = name or None
        user.time_zone = zone or None
        user.default_order_quantity = quantity
        detail = {"display_name": user.display_name, "time_zone": user.time_zone}
        detail["default_order_quantity"] = quantity
        audit.record(user, "user.profile", ("user", user.user_id), detail, ip)
    return user


def _quantity(raw, errors: dict) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    maximum = current_app.config["MAX_ORDER_QUANTITY"]
    quantity = whole_number(str(raw).strip(), 1, maximum)
    if quantity is None:
        errors["default_order_quantity"] = (
            f"Default order size must be a whole number from 1 to {maximum:,}."
        )
    return quantity


class ProfileErrors(ServiceError):
    """Several fields were refused; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = errors
