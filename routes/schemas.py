"""pydantic models for JSON bodies, and a helper that turns their errors into 400s."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from routes.helpers import json_body, json_error


class AmountRequest(BaseModel):
    """``{"amount": ...}``: checked further by the funds service (sign, decimals, cap)."""

    model_config = ConfigDict(extra="ignore")
    amount: Any


class WithdrawRequest(AmountRequest):
    """``{"amount": ..., "code": ...}``: the code is needed once two-factor sign-in is on."""

    code: str | None = Field(None, max_length=32)


class RejectRequest(BaseModel):
    """``{"reason": ...}``: why an admin rejects a fund request or an order."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    reason: str = Field(min_length=1, max_length=255)


def parse_body(model: type[BaseModel]):
    """Validate the request body; return (instance, None) or (None, a 400 response)."""
    try:
        return model.model_validate(json_body()), None
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        field = ".".join(str(part) for part in first["loc"])
        if not field:  # a rule across fields names its field first: "price: ..."
            field, _, message = message.partition(": ")
        return None, json_error(f"{field}: {message}", 400, field=field)
