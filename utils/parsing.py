"""Whole numbers from text that users and clients send (query strings, JSON, forms)."""

MAX_DIGITS = 19  # enough for any id a column holds; int() of longer text costs time


def whole_number(raw, low: int, high: int) -> int | None:
    """``raw`` as a whole number within [low, high], or None when it is not one.

    Text must be plain ASCII digits: ``str.isdigit`` also accepts "²" (which ``int``
    refuses) and other scripts' digits. An int is taken as it is; a bool is not a number.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:
        value = int(raw)
    else:
        return None
    return value if low <= value <= high else None
