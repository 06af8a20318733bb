"""pydantic bodies for orders and quote holds; errors name the field at fault."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)

from routes.helpers import MAX_ID
from utils.money import to_decimal

MAX_PRICE = Decimal("1000000")
MAX_QUANTITY = 1_000_000


def _number(value) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _bounded(places: int, maximum: Decimal):
    step = Decimal(1).scaleb(-places)

    def check(value) -> Decimal | None:
        number = _number(value)
        if number is None:
            return None
        if number <= 0:
            raise ValueError("must be greater than 0")
        if number > maximum:
            raise ValueError(f"must be at most {maximum:,}")
        if number != number.quantize(step):
            raise ValueError(f"can have at most {places} decimal places")
        return number

    return BeforeValidator(check)


Price = Annotated[Decimal | None, _bounded(4, MAX_PRICE)]
Amount = Annotated[Decimal | None, _bounded(2, MAX_PRICE)]
Percent = Annotated[Decimal | None, _bounded(4, Decimal("99.9999"))]
Quantity = Annotated[StrictInt | None, Field(gt=0, le=MAX_QUANTITY)]


class OrderRequest(BaseModel):
    """POST /user/api/create_order (the brief's names are accepted too)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    ticker: str = Field(min_length=1, max_length=12)
    order_type: Literal["buy", "sell"]
    execution_type: Literal["market", "limit", "stop", "stop_limit", "trailing_stop"] = Field(
        "market", validation_alias=AliasChoices("execution_type", "order_execution_type")
    )
    quantity: Quantity = Field(None, validation_alias=AliasChoices("quantity", "order_quantity"))
    amount: Amount = None
    price: Price = Field(None, validation_alias=AliasChoices("price", "order_price"))
    stop_price: Price = None
    trail_percent: Percent = None
    trail_amount: Price = None
    time_in_force: Literal["day", "gtc", "ioc", "fok"] = "day"

    @model_validator(mode="after")
    def _consistent(self):
        kind = self.execution_type
        if (self.quantity is None) == (self.amount is None):
            raise ValueError("quantity: give either quantity (whole shares) or amount (dollars)")
        if self.amount is not None and not (
            kind == "market" or (kind == "limit" and self.order_type == "buy")
        ):
            raise ValueError("amount: a dollar amount works for market orders and limit buys")
        if kind in ("limit", "stop_limit") and self.price is None:
            raise ValueError(f"price: a {kind} order needs a limit price")
        if kind in ("stop", "stop_limit") and self.stop_price is None:
            raise ValueError(f"stop_price: a {kind} order needs a stop price")
        if kind == "trailing_stop" and (self.trail_percent is None) == (self.trail_amount is None):
            raise ValueError("trail_percent: a trailing stop needs trail_percent or trail_amount")
        _refuse_strays(self)
        if self.time_in_force in ("ioc", "fok") and kind not in ("market", "limit"):
            raise ValueError("time_in_force: ioc and fok apply to market and limit orders")
        return self


# Which execution types take each price field: a market order given a "limit" price
# would fill at the market all the same, so a stray price is refused, not ignored.
TAKES = {
    "price": ("limit", "stop_limit"),
    "stop_price": ("stop", "stop_limit"),
    "trail_percent": ("trailing_stop",),
    "trail_amount": ("trailing_stop",),
}


def _refuse_strays(order: "OrderRequest") -> None:
    kind = order.execution_type
    for name, kinds in TAKES.items():
        if getattr(order, name) is not None and kind not in kinds:
            takers = " and ".join(k.replace("_", "-") for k in kinds)
            raise ValueError(
                f"{name}: a {kind.replace('_', ' ')} order takes no {name.replace('_', ' ')}"
                f" (only {takers} orders do)"
            )


class HoldRequest(BaseModel):
    """POST /user/api/quote_hold."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    ticker: str = Field(min_length=1, max_length=12)
    order_type: Literal["buy", "sell"]
    quantity: Quantity = None
    amount: Amount = None

    @model_validator(mode="after")
    def _one_size(self):
        if (self.quantity is None) == (self.amount is None):
            raise ValueError("quantity: give either quantity (whole shares) or amount (dollars)")
        return self


class HoldIdRequest(BaseModel):
    """POST /user/api/quote_hold/commit and /cancel."""

    hold_id: StrictInt = Field(gt=0, le=MAX_ID)
