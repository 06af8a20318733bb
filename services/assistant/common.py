"""What the assistant's tool modules share: ServiceErrors as tool errors, plain values."""

from functools import wraps

from services.errors import ServiceError
from utils.assistant.base import ToolRefused


def refusing(fn):
    """Turn a ServiceError into a tool error the model (or offline assistant) can read."""

    @wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            raise ToolRefused(exc.message) from None

    return wrapped


def text(value) -> str | None:
    """A Decimal (or anything) as exact text; None stays None."""
    return None if value is None else str(value)
